// Starting workers in Node: worker_threads running node-worker.js. (Browsers: web-pool.ts.)

import type { FromWorker } from "./protocol.js";
import type { WorkerEvents, WorkerHandle, WorkerLimits } from "./handle.js";

export type { WorkerEvents, WorkerHandle } from "./handle.js";

/** Native stack of each worker; the Wasm scratch buffer for saved stacks (2 MiB) is sized to exceed it. */
const WORKER_STACK_MB = 1;

/**
 * Workers inherit the process's flags by default, which is what we want, except that a flag about the main script
 * (--input-type) makes them fail to start. Only then pass a list, keeping the flags a worker accepts.
 */
function workerExecArgv(): string[] | undefined {
  if (!process.execArgv.some((f) => f.startsWith("--input-type"))) return undefined;
  return process.execArgv.filter((f) => !f.startsWith("--input-type") && process.allowedNodeEnvironmentFlags.has(f.split("=")[0]));
}

export async function startNodeWorker(index: number, events: WorkerEvents, limits: WorkerLimits = {}): Promise<WorkerHandle> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(new URL("./node-worker.js", import.meta.url), {
    resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: limits.heapMb },
    execArgv: workerExecArgv(),
  });
  let terminating = false;
  worker.on("message", (m: FromWorker) => events.message(index, m));
  // An uncaught error (a host module's, or running out of heap: ERR_WORKER_OUT_OF_MEMORY) comes first, then the exit.
  worker.on("error", (e: Error & { code?: string }) => {
    if (!terminating) events.died(index, `${e.name}${e.code ? ` [${e.code}]` : ""}: ${e.message}`);
  });
  worker.on("exit", (code: number) => {
    if (!terminating) events.died(index, `it exited with code ${code}`);
  });
  return {
    post: (m) => worker.postMessage(m),
    terminate: async () => {
      terminating = true;
      await worker.terminate();
    },
    keepAlive: (alive) => (alive ? worker.ref() : worker.unref()),
  };
}
