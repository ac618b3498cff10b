// A lock-free high-water mark, for guests that check a concurrency limit (how many threads were ever inside at once).

/** Raises the i32 at `cell` to `value` when `value` is higher, atomically: other threads may raise it meanwhile. */
export function raiseMax(cell: usize, value: i32): void {
  let max = atomic.load<i32>(cell);
  while (value > max) {
    const seen = atomic.cmpxchg<i32>(cell, max, value);
    if (seen == max) break;
    max = seen;
  }
}
