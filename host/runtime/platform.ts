// What differs between Node and browsers, behind one interface: how workers start, how a module source named by a
// path or URL is read, how many cores there are, and whether shared memory is allowed at all. The package's entry
// files (index.ts for Node, browser.ts for browsers) install one, so the browser bundle never imports node: modules.

import type { WorkerEvents, WorkerHandle, WorkerLimits } from "../workers/handle.js";

export interface Platform {
  readonly name: "node" | "browser";
  /**
   * Starts worker `index` (a worker_threads Worker or a module Web Worker) running host/workers/core.ts. `limits.heapMb`:
   * RuntimeOptions.workerHeapMb (Node only).
   */
  startWorker(index: number, events: WorkerEvents, limits: WorkerLimits): Promise<WorkerHandle>;
  /** Compiles a module named by a path or URL (Node: a file or fetch; browsers: fetch + compileStreaming). */
  compileLocation(source: string | URL): Promise<WebAssembly.Module>;
  /** The worker count when none is given: the machine's cores. */
  defaultWorkers(): Promise<number>;
  /** The URL a worker imports for `RuntimeOptions.hostModule` (Node: a path is a file; browsers: relative to the page). */
  hostModuleUrl(spec: string | URL): string;
  /** Throws a clear error when this environment cannot share a WebAssembly.Memory between workers. */
  checkSharedMemory(): Promise<void>;
  /**
   * RuntimeOptions.jspiStackLimit's default: below the number of suspended JSPI stacks at which this kind of process
   * dies (V8 aborts when Linux refuses another memory mapping; vm.max_map_count is 65,530 by default).
   */
  readonly jspiStackLimit: number;
}

let installed: Platform | null = null;

export function installPlatform(platform: Platform): void {
  installed = platform;
}

export function currentPlatform(): Platform {
  if (installed === null) {
    throw new Error('vthreads: no platform installed; import the package ("vthreads"), not its internal files');
  }
  return installed;
}
