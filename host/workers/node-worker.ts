// Entry of a Node worker_threads worker.

import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import { WorkerCore } from "./core.js";
import type { ToWorker } from "./protocol.js";
import { nodeFiles } from "./node-files.js";

const port = parentPort;
if (!port) throw new Error("vthreads: node-worker.js must run in a worker thread");
const core = new WorkerCore({
  post: (m) => port.postMessage(m),
  soon: (fn) => setImmediate(fn),
  files: nodeFiles, // checked against the runtime's grants (node-files.ts)
  poll: () => receiveMessageOnPort(port)?.message as ToWorker | undefined,
});
port.on("message", (m: ToWorker) => core.onMessage(m));
