// The Node platform: worker_threads, modules read from files (or fetched for http: URLs), os cores.

import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ModuleError } from "../abi/manifest.js";
import type { Platform } from "../runtime/platform.js";
import { compileBytes, compileResponse } from "../runtime/source.js";
import { MAX_WORKERS } from "../abi/layout.js";
import { startNodeWorker } from "../workers/pool.js";

/** Node 25 died at 30,000-33,000 suspended JSPI stacks (two mappings each): bench/README.md "JSPI or Asyncify". */
export const NODE_JSPI_STACK_LIMIT = 25_000;

export const nodePlatform: Platform = {
  name: "node",
  jspiStackLimit: NODE_JSPI_STACK_LIMIT,
  startWorker: startNodeWorker,
  async compileLocation(source) {
    if (source instanceof URL && source.protocol !== "file:") return compileResponse(await fetch(source), source.href);
    const what = typeof source === "string" ? `"${source}"` : source.href;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(source));
    } catch (e) {
      throw new ModuleError(`cannot read the module ${String(source)}: ${(e as Error).message}`);
    }
    return compileBytes(bytes, what);
  },
  hostModuleUrl(spec) {
    if (spec instanceof URL) return spec.href;
    // A URL with a scheme (file:, data:, http:) is taken as is; anything else is a path (not a Windows drive letter).
    return /^[a-z][a-z0-9+.-]+:/i.test(spec) ? spec : pathToFileURL(resolve(spec)).href;
  },
  async defaultWorkers() {
    return Math.min(MAX_WORKERS, Math.max(1, availableParallelism()));
  },
  async checkSharedMemory() {
    // Node always has SharedArrayBuffer and shared WebAssembly memories.
  },
};
