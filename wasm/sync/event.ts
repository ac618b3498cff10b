// Event: a flag threads can wait for. `set()` wakes every waiter and lets later waiters through until `clear()`.

import { current } from "../scheduler/local";
import { W_EVENT, isCancelled } from "../scheduler/thread";
import { waitIn, qTakeAll, unparkAll } from "../scheduler/waitq";
import { WAKE_GRANTED } from "../memory/layout";
import { exitCancelled, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";

export class Event {
  private lock: i32 = 0;
  private flag: i32 = 0;
  private waitHead: usize = 0;
  private waitTail: usize = 0;
  readonly name: string;

  constructor(name: string = "") {
    this.name = name;
  }

  get isSet(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<Event>("flag")) != 0;
  }

  /** Waits until the event is set; ends a cancelled caller. */
  wait(): void {
    const t = current;
    if (t == 0) requireThread("Event.wait");
    if (isCancelled(t)) exitCancelled();
    if (this.isSet) return;
    const self = changetype<usize>(this);
    lock(self);
    if (this.flag != 0) { unlock(self); return; }
    if (waitIn(self, self + offsetof<Event>("waitHead"), W_EVENT, self) != WAKE_GRANTED) exitCancelled();
  }

  /** Sets the event and wakes every waiter. */
  set(): void {
    const self = changetype<usize>(this);
    lock(self);
    atomic.store<i32>(self + offsetof<Event>("flag"), 1);
    const woken = qTakeAll(self + offsetof<Event>("waitHead"), WAKE_GRANTED);
    unlock(self);
    unparkAll(woken);
  }

  clear(): void {
    atomic.store<i32>(changetype<usize>(this) + offsetof<Event>("flag"), 0);
  }
}
