// vthreads allocation throughput: guest bench/guest/gc-alloc.ts, allocate(n) on one worker, 4 allocations per step.
// Metric: ns per allocation, timed on the host around the root call (collections included when the runtime
// collects; `runtime: { gc: false }` variants never collect and grow instead). Verified.
import { expectValue, gcAllocExpected, now } from "../common.js";

export const guest = "gc-alloc";

export async function run(rt, { n }) {
  const before = rt.memoryStats().gc;
  const t0 = now();
  const sum = await rt.call("allocate", n);
  const t1 = now();
  expectValue("gc-alloc vthreads", sum, gcAllocExpected(n));
  const after = rt.memoryStats().gc;
  return {
    value: ((t1 - t0) * 1e6) / (4 * n),
    info: { collections: after.collections - before.collections, pauseMs: after.totalPauseMs - before.totalPauseMs },
  };
}
