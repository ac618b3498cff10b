// Guest of test/runtime/gc-pacing.test.ts: a skynet tree (a future per thread, a million threads per call) and a
// phase that keeps much alive followed by a long phase of garbage with little alive.
import { ThreadGroup, Future } from "vthreads";

function node(arg: i64): i64 {
  const num = arg >>> 32;
  const size = (arg >>> 8) & 0xffffff;
  if (size <= 1) return num;
  const sub = size / 10;
  const g = new ThreadGroup();
  const children = new StaticArray<Future<i64>>(10);
  for (let i = 0; i < 10; i++) children[i] = g.spawn<i64, i64>(node, ((num + <i64>i * sub) << 32) | (sub << 8));
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < 10; i++) sum += children[i].get();
  return sum;
}

/** The sum 0 + 1 + ... + size - 1 computed by a tree of threads (size a power of 10, below 2^24). */
export function tree(size: i32): i64 {
  return node(<i64>size << 8);
}

let big: Array<Array<i32>> = new Array<Array<i32>>(0);

/** Keeps about `mb` MiB alive in a module variable (arrays of 1,000 i32s). */
export function holdMiB(mb: i32): void {
  big = new Array<Array<i32>>(0);
  for (let i = 0; i < mb * 262; i++) big.push(new Array<i32>(1000));
}

export function dropHeld(): void {
  big = new Array<Array<i32>>(0);
}

/** Allocates about `mb` MiB of short-lived arrays; returns a value depending on all of them. */
export function garbageMiB(mb: i32): i32 {
  let acc = 0;
  for (let i = 0; i < mb * 262; i++) {
    const a = new Array<i32>(1000);
    a[i % 1000] = i;
    acc ^= a[i % 1000];
  }
  return acc;
}
