// Idle CPU baseline: a Node process with `workers` plain worker_threads that do nothing (each waits for a
// message that never comes). Start them, let them settle `settleMs`, then measure process.cpuUsage() (user +
// system of every thread of the process, workers included) over `idleMs` of the main thread doing nothing
// (one timer). Metric: % of one core (CPU time / wall time * 100). The workers are terminated after each run.
import { Worker } from "node:worker_threads";
import { sleepMs, now } from "../common.js";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", () => {});
parentPort.postMessage("ready");
`;

/** CPU % of one core used by this whole process over `ms` of waiting. */
export async function measureIdle(ms) {
  const c0 = process.cpuUsage();
  const t0 = now();
  await sleepMs(ms);
  const c = process.cpuUsage(c0);
  const wall = now() - t0;
  return ((c.user + c.system) / 1000 / wall) * 100;
}

export async function workerThreads({ workers, settleMs, idleMs }) {
  const ws = await Promise.all(Array.from({ length: workers }, () => new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.once("error", reject);
    w.once("message", (m) => (m === "ready" ? resolve(w) : reject(new Error(`worker said ${m}`))));
  })));
  try {
    await sleepMs(settleMs);
    return await measureIdle(idleMs);
  } finally {
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
