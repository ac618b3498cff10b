// vthreads collection pauses: guest bench/guest/gc-pause.ts. A thread keeps `live` objects parked; the host runs
// `collections` collections (Runtime.collect) and reads each one's longest stop-the-world pause (a collection marks in
// steps, one per pause: memoryStats().gc.lastCollectionMaxPauseMs, measured in Wasm from the moment the collector
// claims a pause until it releases the workers: waiting for the safepoint, marking, sweeping). Metric: the median of
// those, ms; info: the run's worst pause and the pauses per collection.
import { expectValue, gcPauseExpected, sleepMs } from "../common.js";

export const guest = "gc-pause";

export async function run(rt, { live, collections }) {
  const held = rt.call("holdLive", live);
  while ((await rt.call("ready")) !== 1) await sleepMs(2);
  const pauses = [];
  const steps = [];
  for (let i = 0; i < collections; i++) {
    await rt.collect();
    pauses.push(rt.memoryStats().gc.lastCollectionMaxPauseMs);
    steps.push(rt.memoryStats().gc.lastCollectionPauses);
  }
  const liveObjects = rt.memoryStats().gc.liveObjectsAfterLast;
  await rt.call("release");
  expectValue("gc-pause vthreads", await held, gcPauseExpected(live));
  if (liveObjects < live) throw new Error(`gc-pause vthreads: only ${liveObjects} objects live, expected ${live}`);
  const sorted = [...pauses].sort((a, b) => a - b);
  return { value: sorted[sorted.length >> 1], info: { worstMs: sorted[sorted.length - 1], liveObjects, pausesPerCollection: steps[steps.length >> 1] } };
}
