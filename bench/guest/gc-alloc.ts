// Allocation throughput guest: one thread making short-lived objects, 4 allocations per step (a Pair, a string,
// an Array and its buffer), with a window of 8 Pairs linked together so the objects hold references. Only the
// public API is used, so the same source builds against the foundation's runtime (bench/baselines/gc-alloc.js).
import { yieldNow } from "vthreads";

class Pair {
  constructor(public value: i32, public name: string, public items: Array<i32>, public next: Pair | null) {}
}

/** n steps; returns a checksum (sum of name lengths + values) the host verifies. */
export function allocate(n: i32): i64 {
  let sum: i64 = 0;
  let prev: Pair | null = null;
  for (let i = 0; i < n; i++) {
    const items = new Array<i32>(2);
    items[0] = i;
    items[1] = i >> 1;
    const p = new Pair(i, i.toString(), items, (i & 7) == 0 ? null : prev);
    sum += <i64>p.name.length + <i64>p.items[1];
    prev = p;
    if ((i & 0xffff) == 0) yieldNow(); // a scheduling point now and then, as real code has
  }
  return sum;
}
