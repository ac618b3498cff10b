// Flat-spawn guest: one root thread spawns n trivial threads (each returns its argument) in one group,
// joins the group, then sums the n futures. Returns n(n-1)/2.
import { ThreadGroup, Future } from "vthreads";

function identity(x: i64): i64 {
  return x;
}

export function spawnFlat(n: i32): i64 {
  if (n < 0) abort("spawnFlat: bad argument");
  const g = new ThreadGroup();
  const futures = new StaticArray<Future<i64>>(n);
  for (let i = 0; i < n; i++) futures[i] = g.spawn<i64, i64>(identity, <i64>i);
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += futures[i].get();
  return sum;
}
