// `vthreads build`: guest AssemblyScript in, one Wasm module plus typed ESM bindings out.
//
//  1. read the guest's exported functions and their types (signatures.ts);
//  2. generate the entry file that wraps each export as a root virtual thread (entry.ts);
//  3. compile guest + runtime together for an imported shared memory (compile.ts);
//  4. binaryen: no-inline, optimise, Asyncify, optimise, passive data (postprocess.ts);
//  5. embed the manifest and write the .wasm, the .js bindings and their .d.ts (bindings.ts).
// Steps 3 and 4 run once per backend: <name>.wasm for Asyncify, <name>.jspi.wasm for JSPI (compiled with a shadow
// stack, without Asyncify). The runtime picks the file for the backend it runs (runtime/backend.ts).

import path from "node:path";
import { fileURLToPath } from "node:url";
import { mkdir, mkdtemp, rm, symlink, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { readGuestInterface } from "./signatures.js";
import { generateEntry } from "./entry.js";
import { compileAssemblyScript } from "./compile.js";
import { postprocess, type Backend } from "./postprocess.js";
import { generateBindings } from "./bindings.js";
import { BuildError } from "./errors.js";
import { MANIFEST_ABI, type Manifest } from "../abi/manifest.js";

export interface BuildOptions {
  /** The guest's entry file (.ts). */
  entry: string;
  /** Output folder (default: `build` next to the current directory). */
  outDir?: string;
  /** Base name of the outputs (default: the entry's file name without .ts). */
  name?: string;
  /** binaryen optimise level, 0..4 (default 3). */
  optimizeLevel?: number;
  /** The backends to build for (default both): "asyncify" writes <name>.wasm, "jspi" writes <name>.jspi.wasm. */
  backends?: Backend[];
}

export interface BuildResult {
  /** The Asyncify module (<name>.wasm), or the JSPI one when only JSPI was built. */
  wasmPath: string;
  /** Every module written, by backend. */
  modules: Partial<Record<Backend, string>>;
  bindingsPath: string;
  typesPath: string;
  manifest: Manifest;
}

/** The package root: dist/host/toolchain/build.js is three levels below it. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const RUNTIME_DIR = path.join(PACKAGE_ROOT, "wasm");
let buildCounter = 0;
/**
 * The shadow stack asc sets up for a JSPI build: what top-level code and boot use, before each worker and thread gets
 * its own (wasm/driver/jspi.ts).
 */
const SHADOW_STACK_BYTES = 16 << 10;

function checkBackends(backends: Backend[] | undefined): Backend[] {
  if (backends === undefined) return ["asyncify", "jspi"];
  if (!Array.isArray(backends) || backends.length === 0 || backends.some((b) => b !== "asyncify" && b !== "jspi")) {
    throw new BuildError(`build: backends must be a non-empty list of "asyncify" and "jspi", got ${JSON.stringify(backends)}`);
  }
  return [...new Set(backends)];
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  if (!options || typeof options.entry !== "string" || options.entry === "") {
    throw new BuildError("build: an entry file is required, e.g. build({ entry: \"src/main.ts\" })");
  }
  const entry = path.resolve(options.entry);
  if (!(await stat(entry).catch(() => null))?.isFile()) throw new BuildError(`entry file not found: ${options.entry}`);
  if (!entry.endsWith(".ts")) throw new BuildError(`the entry must be an AssemblyScript .ts file: ${options.entry}`);
  const outDir = path.resolve(options.outDir ?? "build");
  const name = options.name ?? path.basename(entry, ".ts");

  const work = await mkdtemp(path.join(tmpdir(), "vthreads-build-"));
  try {
    // `import ... from "vthreads"` resolves through this folder to the runtime's sources, under one name
    // (~lib/vthreads/...) for the guest and the generated entry alike, so the runtime is compiled once.
    const packages = path.join(work, "packages");
    await mkdir(packages);
    await symlink(RUNTIME_DIR, path.join(packages, "vthreads"), "dir");

    const { exports: sigs, hostFunctions } = await readGuestInterface(entry, { searchPaths: [packages] });
    // The generated entry sits next to the guest for the length of the build, so that file names in guest
    // failure messages read "demo.ts:41:15" rather than a path through a temporary folder.
    const entryFile = path.join(path.dirname(entry), `.vthreads-entry-${process.pid}-${buildCounter++}.ts`);
    await writeFile(entryFile, generateEntry(sigs, { guestEntry: entry, runtimeDir: "vthreads", entryDir: path.dirname(entry) }, hostFunctions));
    const backends = checkBackends(options.backends);
    const modules: Partial<Record<Backend, string>> = {};
    let manifest: Manifest | null = null;
    await mkdir(outDir, { recursive: true });
    try {
      for (const backend of backends) {
        const compiled = await compileAssemblyScript({
          entry: entryFile,
          config: path.join(PACKAGE_ROOT, "asconfig.json"),
          runtime: path.join(RUNTIME_DIR, "memory", "rt"),
          searchPaths: [packages],
          shadowStack: backend === "jspi" ? SHADOW_STACK_BYTES : 0,
        });
        const processed = postprocess(compiled, {
          backend,
          optimizeLevel: options.optimizeLevel,
          // The runtime as asc names it: imported as the "vthreads" package, and its allocator given by path.
          runtimePrefixes: ["~lib/vthreads/", `${path.join(RUNTIME_DIR, "memory", "rt")}/`],
          manifest: (memory) => ({ abi: MANIFEST_ABI, backend, memory, exports: sigs }),
        });
        manifest ??= processed.manifest;
        const file = path.join(outDir, backend === "jspi" ? `${name}.jspi.wasm` : `${name}.wasm`);
        await writeFile(file, processed.binary);
        modules[backend] = file;
      }
    } finally {
      await rm(entryFile, { force: true });
    }

    const wasmPath = (modules.asyncify ?? modules.jspi)!;
    const bindingsPath = path.join(outDir, `${name}.js`);
    const typesPath = path.join(outDir, `${name}.d.ts`);
    const bindings = generateBindings(sigs, { wasmFileName: path.basename(wasmPath) });
    await writeFile(bindingsPath, bindings.js);
    await writeFile(typesPath, bindings.dts);
    return { wasmPath, modules, bindingsPath, typesPath, manifest: manifest! };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
