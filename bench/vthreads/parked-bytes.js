// vthreads parked bytes: guest bench/guest/parked-bytes.ts.
//   1. before = rt.memoryStats().heapBytes
//   2. start the root call parkAll(n) and do NOT await it: it spawns a gate thread (sleeps until
//      released) and n waiters that each block in gate.get() at call depth 1
//   3. poll the root call parkedCount() until it returns n. On one worker the scheduler is
//      cooperative: a waiter increments the count and parks before the worker runs anything else, and
//      the poll is itself a thread run by that worker, so when it reads n all n waiters are parked.
//   4. during = rt.memoryStats().heapBytes, then the root call release(), then await parkAll (its
//      result, the sum of what the waiters got, must be n).
// Metric: (during - before) / n bytes. A collection runs before step 1, so that one during the run (spawning
// 100,000 threads allocates more than the collector's 8 MiB trigger) frees nothing allocated before it. The difference also holds the gate thread, the parkAll root
// thread and its group: a constant, negligible at n = 100,000.
import { expectValue, sleepMs } from "../common.js";
import { heapBytes } from "./stats.js";

export const guest = "parked-bytes";

const POLL_TIMEOUT_MS = 300_000;

export async function run(rt, { n }) {
  // Garbage of earlier runs would be freed by a collection during this one and make the difference too small.
  if (typeof rt.collect === "function") await rt.collect();
  const before = heapBytes(rt);
  let during = 0;
  const value = await parkRelease(rt, n, () => (during = heapBytes(rt)));
  expectValue("parked-bytes vthreads", value, n);
  return (during - before) / n;
}

/**
 * Steps 2-4 above: parkAll(n), poll parkedCount() until all n are parked, call `whileParked`, release, and return
 * parkAll's result. Also used by the parked-limit ladder (parked-limit-step.js).
 */
export async function parkRelease(rt, n, whileParked = () => {}) {
  let settled = null;
  const parkAll = rt.call("parkAll", n).then(
    (value) => (settled = { value }),
    (error) => (settled = { error }),
  );
  const t0 = Date.now();
  for (;;) {
    if (settled?.error) throw settled.error;
    if (settled) throw new Error(`parked-bytes vthreads: parkAll(${n}) returned before release (${settled.value})`);
    const parked = Number(await rt.call("parkedCount"));
    if (parked === n) break;
    if (parked > n) throw new Error(`parked-bytes vthreads: parkedCount() = ${parked} > n = ${n}`);
    if (Date.now() - t0 > POLL_TIMEOUT_MS) throw new Error(`parked-bytes vthreads: only ${parked} of ${n} parked after ${POLL_TIMEOUT_MS} ms`);
    await sleepMs(parked === 0 ? 2 : 20);
  }
  whileParked();
  await rt.call("release");
  await parkAll;
  if (settled.error) throw settled.error;
  return settled.value;
}
