// WaitGroup: waits for a count of things to be done (Go's sync.WaitGroup). For threads a ThreadGroup is usually
// the better tool; a WaitGroup counts anything, e.g. work items handed to threads that live on.

import { current } from "../scheduler/local";
import { W_WAITGROUP, isCancelled } from "../scheduler/thread";
import { waitIn, qTakeAll, unparkAll } from "../scheduler/waitq";
import { WAKE_GRANTED } from "../memory/layout";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";

export class WaitGroup {
  private lock: i32 = 0;
  private count: i32 = 0;
  private waitHead: usize = 0;
  private waitTail: usize = 0;

  /** The current count. */
  get pending(): i32 {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<WaitGroup>("count"));
  }

  /** Adds `n` (may be negative) to the count; at zero, every waiter is woken. Fails the caller below zero. */
  add(n: i32 = 1): void {
    const self = changetype<usize>(this);
    lock(self);
    const count = this.count + n;
    if (count < 0) {
      unlock(self);
      failCurrent("WaitGroup: done() called more times than add() (the count would be " + count.toString() + ")");
    }
    atomic.store<i32>(self + offsetof<WaitGroup>("count"), count);
    const woken = count == 0 ? qTakeAll(self + offsetof<WaitGroup>("waitHead"), WAKE_GRANTED) : 0;
    unlock(self);
    unparkAll(woken);
  }

  done(): void {
    this.add(-1);
  }

  /** Waits until the count is zero; ends a cancelled caller. */
  wait(): void {
    const t = current;
    if (t == 0) requireThread("WaitGroup.wait");
    if (isCancelled(t)) exitCancelled();
    const self = changetype<usize>(this);
    if (atomic.load<i32>(self + offsetof<WaitGroup>("count")) == 0) return;
    lock(self);
    if (this.count == 0) { unlock(self); return; }
    if (waitIn(self, self + offsetof<WaitGroup>("waitHead"), W_WAITGROUP, self) != WAKE_GRANTED) exitCancelled();
  }
}
