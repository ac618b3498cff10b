// The browser platform: module Web Workers, modules fetched (compileStreaming), navigator.hardwareConcurrency, and a
// cross-origin isolation check before anything starts. Imports no node: module.

import type { Platform } from "../runtime/platform.js";
import { compileResponse } from "../runtime/source.js";
import { ModuleError } from "../runtime/manifest.js";
import { MAX_WORKERS } from "../runtime/layout.js";
import { startWebWorker } from "../workers/web-pool.js";
import { checkCrossOriginIsolation } from "./isolation.js";

export const browserPlatform: Platform = {
  name: "browser",
  startWorker: startWebWorker,
  async compileLocation(source) {
    // A string is a URL relative to the page (or to the worker script, when the Runtime runs in a worker).
    const base = (globalThis as { location?: { href: string } }).location?.href;
    const url = source instanceof URL ? source : new URL(source, base);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new ModuleError(`cannot load ${url.href}: ${(e as Error).message}`);
    }
    return compileResponse(response, url.href);
  },
  hostModuleUrl(spec) {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    return (spec instanceof URL ? spec : new URL(spec, base)).href;
  },
  async defaultWorkers() {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
    return Math.min(MAX_WORKERS, Math.max(1, cores));
  },
  checkSharedMemory: checkCrossOriginIsolation,
};
