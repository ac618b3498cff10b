// Which stack switching a runtime uses, and the module file for it. `vthreads build` writes <name>.wasm (Asyncify)
// and <name>.jspi.wasm (JSPI) side by side; a path or URL to either finds the other.
//
// "auto" picks Asyncify when it can: it holds millions of suspended threads (a few hundred bytes each) that any
// worker may resume, where a JSPI stack costs kilobytes of memory and mappings, stays on the worker that created it,
// and a process holds only tens of thousands. JSPI is picked when only a JSPI build is at hand. bench/README.md has the
// measurements behind this ("JSPI or Asyncify").

import { engineHasJspi } from "../workers/jspi-loop.js";
import { ModuleError, readManifest, type Manifest } from "../abi/manifest.js";
import { compileSource, type ModuleSource } from "./source.js";
import type { Platform } from "./platform.js";

export type Backend = "asyncify" | "jspi";
export type BackendOption = Backend | "auto";

export interface ChosenBackend {
  backend: Backend;
  /** Why, in a sentence (Runtime.backendReason). */
  reason: string;
  module: WebAssembly.Module;
  manifest: Manifest;
}

const JSPI_SUFFIX = ".jspi.wasm";

/** The file of `backend` for a module location (x.wasm <-> x.jspi.wasm); other names are kept as they are. */
export function locationFor(source: string | URL, backend: Backend): string | URL {
  const text = source instanceof URL ? source.href : source;
  let out = text;
  if (backend === "jspi" && !text.endsWith(JSPI_SUFFIX) && text.endsWith(".wasm")) out = text.slice(0, -5) + JSPI_SUFFIX;
  if (backend === "asyncify" && text.endsWith(JSPI_SUFFIX)) out = text.slice(0, -JSPI_SUFFIX.length) + ".wasm";
  return source instanceof URL ? new URL(out) : out;
}

export async function chooseBackend(source: ModuleSource, option: unknown, platform: Platform): Promise<ChosenBackend> {
  const requested = option ?? "auto";
  if (requested !== "asyncify" && requested !== "jspi" && requested !== "auto") {
    throw new TypeError(`Runtime.start: backend must be "asyncify", "jspi" or "auto", got ${JSON.stringify(option)}`);
  }
  if (requested === "jspi" && !engineHasJspi()) {
    throw new ModuleError(`backend "jspi": this engine has no JSPI (it needs Node 25 or later, Chromium 137 or later, or Firefox 153 or later)`);
  }
  const isLocation = typeof source === "string" || source instanceof URL;
  if (!isLocation) {
    // Bytes or a compiled module: it is what it was built for.
    const module = await compileSource(source, platform);
    const manifest = readManifest(module);
    const built = manifest.backend ?? "asyncify";
    if (requested !== "auto" && requested !== built) {
      throw new ModuleError(`backend "${requested}": this module was built for ${built} (build it with backends: ["${requested}"])`);
    }
    if (built === "jspi" && !engineHasJspi()) {
      throw new ModuleError("this module was built for JSPI, and this engine has no JSPI (Node 25+, Chromium 137+)");
    }
    return { backend: built, module, manifest, reason: requested === "auto" ? `auto: the module was built for ${built}` : `asked for ${built}` };
  }

  const named = (source instanceof URL ? source.href : source).endsWith(JSPI_SUFFIX) ? "jspi" : "asyncify";
  let backend: Backend;
  let reason: string;
  if (requested !== "auto") {
    backend = requested;
    reason = `asked for ${requested}`;
  } else if (named === "jspi" && engineHasJspi()) {
    backend = "jspi";
    reason = "auto: JSPI, the module named is the JSPI build";
  } else {
    backend = "asyncify";
    reason = "auto: Asyncify, which holds millions of threads and lets any worker resume them (JSPI stacks cost kilobytes each and stay on their worker)";
  }
  const location = locationFor(source, backend);
  let module: WebAssembly.Module;
  try {
    module = await compileSource(location, platform);
  } catch (e) {
    if (backend === named || requested !== "auto" && location === source) throw e;
    throw new ModuleError(`backend "${backend}": ${(e as Error).message} (was the module built with backends: ["${backend}"]?)`);
  }
  const manifest = readManifest(module);
  if ((manifest.backend ?? "asyncify") !== backend) {
    throw new ModuleError(`backend "${backend}": ${String(location)} was built for ${manifest.backend ?? "asyncify"}`);
  }
  return { backend, module, manifest, reason };
}
