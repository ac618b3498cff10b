// vthreads flat spawns: guest bench/guest/spawn-flat.ts, export spawnFlat(n). One root thread spawns
// n trivial threads into one group, joins, sums the futures. Timed on the host around the root call.
// Metric: ns per spawn (spawn + run + join + get). Verified. Run at 1 and 2 workers: with 2, the other worker
// takes the spawned threads from the shared run queue while the root thread is still spawning.
import { expectValue, sumBelow, now } from "../common.js";

export const guest = "spawn-flat";

export async function run(rt, { n }) {
  const t0 = now();
  const sum = await rt.call("spawnFlat", n);
  const t1 = now();
  expectValue("spawn-flat vthreads", sum, sumBelow(n));
  return ((t1 - t0) * 1e6) / n;
}
