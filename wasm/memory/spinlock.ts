// A test-and-test-and-set spin lock on a shared word, for the runtime's own short critical sections
// (queue links, timer heap, group bookkeeping). Never held across a suspension or a host call.
// With one worker it is never contended, and costs no locked instruction (memory/sharing.ts).

import { cas, publish } from "./sharing";

/** Takes the lock; the uncontended case is inlined at every call site (several locks per spawn and per end). */
// @ts-ignore: decorator
@inline export function lock(addr: usize): void {
  if (cas<i32>(addr, 0, 1) != 0) lockContended(addr);
}

function lockContended(addr: usize): void {
  while (true) {
    if (cas<i32>(addr, 0, 1) == 0) return;
    // Spin on a plain read until it looks free, so waiting workers don't hammer the cache line with writes.
    let spins = 0;
    while (atomic.load<i32>(addr) != 0) {
      if (++spins > 4096) {
        // A long wait means the holder was descheduled by the OS: sleep briefly instead of burning a core.
        atomic.wait<i32>(addr, 1, 50000);
        spins = 0;
      }
    }
  }
}

// @ts-ignore: decorator
@inline export function unlock(addr: usize): void {
  publish<i32>(addr, 0);
}

/** Takes the lock only if it is free right now. */
export function tryLock(addr: usize): bool {
  return atomic.load<i32>(addr) == 0 && cas<i32>(addr, 0, 1) == 0;
}
