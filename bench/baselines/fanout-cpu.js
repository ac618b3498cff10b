// Fan-out CPU baselines: n chunks of xorshift32 arithmetic (fanoutChunk in ../common.js, the same as
// bench/guest/fanout-cpu.ts), summed and checked against fanoutExpected. Metric: ms.
//
// - asyncAwait: n async functions on the main thread, each awaiting FANOUT_YIELDS times (after every k / YIELDS
//   iterations, where the guest calls yieldNow()), joined with Promise.all. One thread: no parallelism.
// - workerThreads: the n chunks split into `workers` contiguous ranges, one per plain Node worker (no vthreads);
//   each worker sums its range and posts the sum back. The workers are started once per process (a pool, as a
//   user would keep one) and are not part of the time; a run is: post the ranges, wait for every sum.
import { expectValue, fanoutChunk, fanoutExpected, FANOUT_YIELDS, now } from "../common.js";

async function chunk(idx, k) {
  const per = k / FANOUT_YIELDS;
  let x = (Math.imul(idx, -1640531535) + 1) | 0;
  for (let s = 0; s < FANOUT_YIELDS; s++) {
    for (let j = 0; j < per; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    await null; // where the guest calls yieldNow()
  }
  return x >>> 0;
}

export async function asyncAwait({ n, k }) {
  const expected = fanoutExpected(n, k);
  const t0 = now();
  const promises = new Array(n);
  for (let i = 0; i < n; i++) promises[i] = chunk(i, k);
  const results = await Promise.all(promises);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += results[i];
  const t1 = now();
  expectValue("fanout-cpu async-await", sum, expected);
  return t1 - t0;
}

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const chunk = ${fanoutChunk.toString()};
parentPort.on("message", ({ from, to, k }) => {
  let s = 0;
  for (let i = from; i < to; i++) s += chunk(i, k);
  parentPort.postMessage(s);
});
parentPort.postMessage("ready");
`;

let pool = null;

async function getPool(size) {
  if (pool !== null && pool.length === size) return pool;
  // Imported here, not at the top: the page in bench/web runs asyncAwait() above in a browser.
  const { Worker } = await import("node:worker_threads");
  pool = await Promise.all(
    Array.from({ length: size }, () => new Promise((resolve, reject) => {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.once("error", reject);
      w.once("message", (m) => (m === "ready" ? resolve(w) : reject(new Error(`worker said ${m}`))));

    })),
  );
  return pool;
}

export async function workerThreads({ n, k, workers }) {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`fanout-cpu worker_threads: bad workers ${workers}`);
  const expected = fanoutExpected(n, k);
  const ws = await getPool(workers);
  for (const w of ws) w.ref(); // while a run waits for them
  const t0 = now();
  const sums = await Promise.all(ws.map((w, j) => new Promise((resolve, reject) => {
    const from = Math.floor((n * j) / workers);
    const to = Math.floor((n * (j + 1)) / workers);
    w.once("message", resolve);
    w.once("error", reject);
    w.postMessage({ from, to, k });
  })));
  const sum = sums.reduce((a, b) => a + b, 0);
  const t1 = now();
  for (const w of ws) {
    w.removeAllListeners("error");
    w.unref(); // between runs, the pool does not keep the process alive
  }
  expectValue(`fanout-cpu worker_threads (${workers})`, sum, expected);
  return t1 - t0;
}
