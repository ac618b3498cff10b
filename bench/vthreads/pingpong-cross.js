// vthreads cross-worker ping-pong: guest bench/guest/pingpong-cross.ts, export pingpongCross(n). Two threads
// hand a turn back and forth through a shared cell, n times each (2n hand-overs); the side not on turn waits
// with yieldNow() in a loop. Timed on the host around the root call. Metric: ns per hand-over. Verified: the
// sum and strict alternation (the guest returns -violations otherwise).
// Info per run: `cross` = hand-overs whose taker ran on another worker than the giver (from the guest, which
// tags each worker instance), `waitYields` = yields spent waiting for the turn, and the scheduler counters.
// On 2 workers the two threads may still share one worker (then cross is ~0 and it measures the 1-worker path).
import { expectValue, sumBelow, now } from "../common.js";
import { schedulerDelta } from "./stats.js";

export const guest = "pingpong-cross";

export async function run(rt, { n }) {
  const before = rt.schedulerStats();
  const t0 = now();
  const result = await rt.call("pingpongCross", n);
  const t1 = now();
  const after = rt.schedulerStats();
  if (BigInt(result) < 0n) {
    throw new Error(`pingpong-cross vthreads: the two threads did not alternate (${-BigInt(result)} times a thread took the turn twice in a row)`);
  }
  expectValue("pingpong-cross vthreads", result, 2n * sumBelow(n));
  const cross = Number(await rt.call("crossHandovers"));
  const waitYields = Number(await rt.call("waitYields"));
  return { value: ((t1 - t0) * 1e6) / (2 * n), info: { cross, handovers: 2 * n - 1, waitYields, ...schedulerDelta(before, after) } };
}
