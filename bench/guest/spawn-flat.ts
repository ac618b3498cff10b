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

/**
 * The same with a capturing closure (host/toolchain/closures.ts): each child captures its own `x`, so every spawn
 * also allocates the closure's environment. Compared with spawnFlat in the same run (spawn-flat-closure).
 */
export function spawnFlatClosure(n: i32): i64 {
  if (n < 0) abort("spawnFlatClosure: bad argument");
  const g = new ThreadGroup();
  const futures = new StaticArray<Future<i64>>(n);
  for (let i = 0; i < n; i++) {
    const x = <i64>i;
    futures[i] = g.spawn(() => x);
  }
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += futures[i].get();
  return sum;
}
