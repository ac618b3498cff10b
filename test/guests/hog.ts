// Guest of test/runtime/out-of-memory.test.ts: allocations that cannot fit in the shared memory.
import { yieldNow } from "vthreads";

/** Asks for `mb` MiB twice (raw blocks, never freed); fails with out of memory when they do not fit. */
export function hog(mb: i32): i32 {
  yieldNow();
  const a = heap.alloc(<usize>mb << 20);
  const b = heap.alloc(<usize>mb << 20);
  return <i32>((a + b) & 1);
}

/** An ordinary allocating call: a string of n characters. */
export function small(n: i32): i32 {
  yieldNow();
  return "x".repeat(n).length;
}
