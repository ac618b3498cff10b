// Entry of a browser module Web Worker: the same WorkerCore as in Node, with the worker's own messaging.

import { WorkerCore } from "./core.js";
import type { FromWorker, ToWorker } from "./protocol.js";

interface DedicatedWorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", listener: (e: MessageEvent<ToWorker>) => void): void;
}

const scope = globalThis as unknown as DedicatedWorkerScope;

// "Soon, after pending messages": a MessageChannel post is a task, like setImmediate in Node (setTimeout(0) would be
// clamped to 4 ms once nested).
const queue: (() => void)[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => queue.shift()?.();
const soon = (fn: () => void) => {
  queue.push(fn);
  channel.port2.postMessage(null);
};

const core = new WorkerCore({ post: (m) => scope.postMessage(m), soon });
scope.addEventListener("message", (e) => core.onMessage(e.data));
