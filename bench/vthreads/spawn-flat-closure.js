// vthreads flat spawns of capturing closures: guest bench/guest/spawn-flat.ts, export spawnFlatClosure(n), the
// same as spawnFlat but each child is `() => x` with its own captured x instead of spawn(identity, i). Timed on
// the host around the root call. Metric: ns per spawn (closure + spawn + run + join + get). Verified.
import { expectValue, sumBelow, now } from "../common.js";

export const guest = "spawn-flat";

export async function run(rt, { n }) {
  const t0 = now();
  const sum = await rt.call("spawnFlatClosure", n);
  const t1 = now();
  expectValue("spawn-flat-closure vthreads", sum, sumBelow(n));
  return ((t1 - t0) * 1e6) / n;
}
