// vthreads collection pauses with slow roots: guest bench/guest/gc-pause.ts (holdParked). `threads` parked threads
// each keep `each` objects; their saved stacks are roots, slow enough to scan that every collection marks and sweeps
// in one pause, which the workers stopped at the safepoint or woken from idle share (docs/design.md, "Marking
// together"). The host runs `collections` collections and reads each one's pause. Metric: the median pause, ms;
// info: the worst, the workers that marked, the root scan.
import { expectValue, sleepMs } from "../common.js";

export const guest = "gc-pause";

export async function run(rt, { threads, each, collections }) {
  const held = rt.call("holdParked", threads, each);
  while ((await rt.call("ready")) < threads) await sleepMs(5);
  const pauses = [];
  const markers = [];
  for (let i = 0; i < collections; i++) {
    await rt.collect();
    const gc = rt.memoryStats().gc;
    pauses.push(gc.lastCollectionMaxPauseMs);
    markers.push(gc.lastMarkWorkers);
    if (gc.lastCollectionPauses !== 1 && i > 0) throw new Error(`gc-pause-parked: a collection took ${gc.lastCollectionPauses} pauses; the roots should make it one`);
  }
  const gc = rt.memoryStats().gc;
  await rt.call("release");
  expectValue("gc-pause-parked vthreads", await held, BigInt(threads) * BigInt(each));
  if (gc.liveObjectsAfterLast < threads * each) throw new Error(`gc-pause-parked: only ${gc.liveObjectsAfterLast} objects live, expected ${threads * each}`);
  const sorted = [...pauses].sort((a, b) => a - b);
  return {
    value: sorted[sorted.length >> 1],
    info: { worstMs: sorted[sorted.length - 1], markWorkers: Math.min(...markers), rootScanMs: gc.lastRootScanMs, liveObjects: gc.liveObjectsAfterLast },
  };
}
