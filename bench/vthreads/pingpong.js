// vthreads ping-pong: guest bench/guest/pingpong.ts, export pingpong(n, depth). Two virtual threads on
// one worker each yieldNow() n times at call depth `depth`: 2n switches. Timed on the host around the
// root call (so it includes the root call's dispatch and the spawning of the two threads, as the
// baselines include starting their two coroutines). Metric: ns per switch. Verified.
import { expectValue, pingpongExpected, now } from "../common.js";

export const guest = "pingpong";

export async function run(rt, { n, depth }) {
  const t0 = now();
  const result = await rt.call("pingpong", n, depth);
  const t1 = now();
  if (BigInt(result) < 0n) {
    throw new Error(`pingpong vthreads: the two threads did not alternate (${-BigInt(result)} times a thread ran twice in a row)`);
  }
  expectValue(`pingpong vthreads depth ${depth}`, result, pingpongExpected(n, depth));
  return ((t1 - t0) * 1e6) / (2 * n);
}
