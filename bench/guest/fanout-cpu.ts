// Fan-out of CPU work: n threads, each runs a xorshift32 loop of k iterations seeded by its index and
// returns the final state; the root joins them in one ThreadGroup and returns the sum of the states.
// Each thread yields YIELDS times (after every k / YIELDS iterations), as a long CPU loop should.
// The same arithmetic is in bench/common.js (fanoutChunk), which checks the sum.
//
// One i64 argument per spawned function: k << 32 | index.
import { ThreadGroup, Future, yieldNow } from "vthreads";

const YIELDS = 4;

function chunk(arg: i64): i64 {
  const idx = <u32>(arg & 0xffffffff);
  const k = <i32>(arg >>> 32);
  const per = k / YIELDS;
  let x: u32 = idx * <u32>2654435761 + 1;
  for (let s = 0; s < YIELDS; s++) {
    for (let j = 0; j < per; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    yieldNow();
  }
  return <i64>x;
}

export function fanout(n: i32, k: i32): i64 {
  if (n < 1 || k < YIELDS || k % YIELDS != 0) abort("fanout: bad arguments");
  const g = new ThreadGroup();
  const futures = new StaticArray<Future<i64>>(n);
  for (let i = 0; i < n; i++) futures[i] = g.spawn<i64, i64>(chunk, (<i64>k << 32) | <i64>i);
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += futures[i].get();
  return sum;
}
