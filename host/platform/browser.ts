// The browser platform: module Web Workers, modules fetched (compileStreaming), navigator.hardwareConcurrency, and a
// cross-origin isolation check before anything starts. Imports no node: module.

import type { Platform } from "../runtime/platform.js";
import { compileResponse } from "../runtime/source.js";
import { ModuleError } from "../abi/manifest.js";
import { MAX_WORKERS } from "../abi/layout.js";
import { startWebWorker } from "../workers/web-pool.js";
import { checkCrossOriginIsolation } from "./isolation.js";

/**
 * A Chromium 156 renderer (Linux) died at 21,000-22,000 suspended JSPI stacks: each takes three mappings there (two in
 * Node), and all of a page's workers share one process. 18,000 leaves room for the page's own mappings.
 */
export const BROWSER_JSPI_STACK_LIMIT = 18_000;

/**
 * A Firefox ESR 153 content process (Linux) died between 16,000 and 16,500 suspended JSPI stacks (vm.max_map_count
 * 65,530: about four mappings each). 14,000 leaves room for the page's own mappings.
 */
export const FIREFOX_JSPI_STACK_LIMIT = 14_000;

/** The JSPI stack limit of the engine this runs in: SpiderMonkey's in Firefox, V8's elsewhere. */
function engineJspiStackLimit(): number {
  const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return /\bFirefox\//.test(userAgent) ? FIREFOX_JSPI_STACK_LIMIT : BROWSER_JSPI_STACK_LIMIT;
}

export const browserPlatform: Platform = {
  name: "browser",
  jspiStackLimit: engineJspiStackLimit(),
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
