// vthreads churn: guest bench/guest/gc-churn.ts on 4 workers, `threads` threads x `rounds` rounds of build / park /
// check / drop. Metric: the peak of the heap's pages (memoryStats().heapReserved, sampled every 2 ms, in MiB),
// which the collector must keep under 64 MiB however long the churn runs. Verified (no checksum mismatch).
import { expectValue, now } from "../common.js";

export const guest = "gc-churn";

export async function run(rt, { threads, rounds, calls }) {
  let peak = rt.memoryStats().heapReserved;
  const sample = setInterval(() => (peak = Math.max(peak, rt.memoryStats().heapReserved)), 2);
  const before = rt.memoryStats().gc;
  const t0 = now();
  try {
    for (let i = 0; i < calls; i++) expectValue("gc-churn vthreads", await rt.call("churn", threads, rounds, i + 1), 0);
  } finally {
    clearInterval(sample);
  }
  const t1 = now();
  const after = rt.memoryStats();
  peak = Math.max(peak, after.heapReserved);
  return {
    value: peak / 2 ** 20,
    info: { ms: t1 - t0, collections: after.gc.collections - before.collections, maxPauseMs: after.gc.maxPauseMs },
  };
}
