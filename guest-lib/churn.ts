// The churn driver of the churn guests (test/guests/gc.ts, test/guests/allocator.ts, bench/guest/gc-churn.ts): many
// threads, each given a round count and a seed of its own, each running a churner that allocates, parks, checks and
// drops. Guest code that test/guests/ and bench/guest/ both import lives in guest-lib/, so neither leans on the other.
import { ThreadGroup, Future } from "vthreads";
import { xorshift } from "./xorshift";

/** One churning thread: gets its rounds and seed packed in `arg` (churnRounds, churnSeed), returns its mismatches. */
export type Churner = (arg: i64) => i32;

/** The rounds a churner runs: the high 32 bits of its argument. */
export function churnRounds(arg: i64): i32 {
  return <i32>(arg >>> 32);
}

/** The churner's own seed (odd, so never the xorshift's fixed point 0): the low 32 bits of its argument. */
export function churnSeed(arg: i64): u32 {
  return <u32>arg | 1;
}

/**
 * Spawns `threads` churners of `rounds` rounds each in one group, their seeds drawn from `seed`'s xorshift stream,
 * joins them and returns the sum of their results (the mismatches they found: 0 when nothing was lost).
 */
export function churnThreads(threads: i32, rounds: i32, seed: i32, churner: Churner): i32 {
  const g = new ThreadGroup();
  let x = <u32>seed | 1;
  const futures = new Array<Future<i32>>(0);
  for (let i = 0; i < threads; i++) {
    x = xorshift(x);
    futures.push(g.spawn<i64, i32>(churner, (<i64>rounds << 32) | <i64>x));
  }
  g.join();
  let bad = 0;
  for (let i = 0; i < threads; i++) bad += futures[i].get();
  return bad;
}
