// Starting workers in a browser: module Web Workers running web-worker.js. The `new Worker(new URL(...,
// import.meta.url), { type: "module" })` form is the one bundlers (Vite, webpack, esbuild-based tools) recognise,
// so they emit the worker as its own chunk; unbundled, the URL resolves next to this file.

import type { FromWorker } from "./protocol.js";
import type { WorkerEvents, WorkerHandle } from "./handle.js";

export async function startWebWorker(index: number, events: WorkerEvents): Promise<WorkerHandle> {
  const worker = new Worker(new URL("./web-worker.js", import.meta.url), { type: "module", name: "vthreads" });
  let terminated = false;
  worker.addEventListener("message", (e: MessageEvent<FromWorker>) => events.message(index, e.data));
  worker.addEventListener("error", (e: ErrorEvent) => {
    // A script that fails to load gives an event with no message; say what was being loaded.
    e.preventDefault();
    if (!terminated) events.died(index, e.message || `worker ${index} could not load its script (web-worker.js)`);
  });
  worker.addEventListener("messageerror", () => {
    if (!terminated) events.died(index, `worker ${index} received a message it could not deserialize`);
  });
  return {
    post: (m) => worker.postMessage(m),
    terminate: async () => {
      terminated = true;
      worker.terminate();
    },
    // A page does not wait for its workers to exit; nothing to keep alive.
    keepAlive: () => {},
  };
}
