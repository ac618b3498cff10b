// Cross-thread ping-pong baseline: two plain Node worker_threads hand a turn back and forth through an
// Int32Array on a SharedArrayBuffer, each side n times (2n hand-overs). The side not on turn blocks in
// Atomics.wait on the turn cell; the side on turn checks alternation, hands over (Atomics.store) and wakes the
// other (Atomics.notify). The two workers are started once per process and are not part of the time.
// Metric: ns per hand-over (elapsed / 2n). Verified: each side's sum, and no side took the turn twice in a row.
import { Worker } from "node:worker_threads";
import { expectValue, sumBelow, now } from "../common.js";

// cells: 0 turn, 1 last taker (-1 none), 2 violations
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const cells = new Int32Array(workerData.sab);
const me = workerData.me, other = 1 - me;
parentPort.on("message", ({ n }) => {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    let v;
    while ((v = Atomics.load(cells, 0)) !== me) Atomics.wait(cells, 0, v);
    if (Atomics.load(cells, 1) === me) Atomics.add(cells, 2, 1);
    Atomics.store(cells, 1, me);
    acc += i;
    Atomics.store(cells, 0, other);
    Atomics.notify(cells, 0);
  }
  parentPort.postMessage(acc);
});
parentPort.postMessage("ready");
`;

let pair = null;

async function getPair() {
  if (pair !== null) return pair;
  const sab = new SharedArrayBuffer(16);
  const workers = await Promise.all([0, 1].map((me) => new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { sab, me } });
    w.once("error", reject);
    w.once("message", (m) => (m === "ready" ? resolve(w) : reject(new Error(`worker said ${m}`))));
  })));
  pair = { cells: new Int32Array(sab), workers };
  return pair;
}

export async function workerThreads({ n }) {
  const { cells, workers } = await getPair();
  Atomics.store(cells, 0, 0);
  Atomics.store(cells, 1, -1);
  Atomics.store(cells, 2, 0);
  for (const w of workers) w.ref(); // while a run waits for them
  const t0 = now();
  const sums = await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    w.once("message", resolve);
    w.once("error", reject);
    w.postMessage({ n });
  })));
  const t1 = now();
  for (const w of workers) {
    w.removeAllListeners("error");
    w.unref(); // between runs, the pool does not keep the process alive
  }
  const violations = Atomics.load(cells, 2);
  if (violations !== 0) throw new Error(`pingpong-cross worker_threads: ${violations} times a side took the turn twice in a row`);
  expectValue("pingpong-cross worker_threads", sums[0] + sums[1], 2n * sumBelow(n));
  return ((t1 - t0) * 1e6) / (2 * n);
}
