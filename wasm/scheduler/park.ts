// Parking and waking, safe across workers.
//
// A thread that blocks first sets itself PARKING, then publishes itself where its waker will find it (a wait list,
// the timer heap), then suspends. The waker may run on another worker before the unwind has finished, so it must not
// queue the thread yet: it marks it NOTIFIED instead, and the scheduler queues it once the unwind is complete.

import { T_STATE, T_FLAGS, F_PINNED, ST_RUNNING, ST_RUNNABLE, ST_PARKING, ST_PARKED, ST_NOTIFIED } from "./thread";
import { current } from "./local";
import { __vt_suspend } from "./suspend";
import { REASON_PARK, WAKE_EPOCH } from "../memory/layout";
import * as runqueue from "./runqueue";
import { cas, publish } from "../memory/sharing";

/** Step 1 of blocking: mark the running thread PARKING (before publishing it anywhere). */
export function prepareToPark(): usize {
  const t = current;
  publish<i32>(t + T_STATE, ST_PARKING);
  return t;
}


/** Step 2: suspend until woken. Inlined: one frame fewer for every waiter to unwind and rewind. */
// @ts-ignore: decorator
@inline export function park(): void {
  __vt_suspend(REASON_PARK);
}

/** Called by the scheduler once the unwind of a parking thread has stopped. */
export function parked(t: usize): void {
  if (cas<i32>(t + T_STATE, ST_PARKING, ST_PARKED) != ST_PARKING) {
    // Woken while unwinding (NOTIFIED): run it again.
    publish<i32>(t + T_STATE, ST_RUNNABLE);
    runqueue.requeue(t);
  }
}

/** Wakes a parked (or parking) thread. Each park is ended by exactly one waker, the one that unlinked it. */
export function unpark(t: usize): void {
  while (true) {
    const s = atomic.load<i32>(t + T_STATE);
    if (s == ST_PARKED) {
      // A pinned thread waits on its worker's native stack, not in a queue (driver/pin.ts). Read the flag before
      // waking it: once RUNNABLE, its worker may resume it and clear the flag at once, and queueing it then would
      // run it twice. (F_PINNED is set before PARKED, and this park is ours to end: the flag read here is its own.)
      const pinned = (load<u32>(t, T_FLAGS) & F_PINNED) != 0;
      if (cas<i32>(t + T_STATE, ST_PARKED, ST_RUNNABLE) == ST_PARKED) {
        if (pinned) wakePinned(t);
        else runqueue.push(t);
        return;
      }
    } else if (s == ST_PARKING) {
      if (cas<i32>(t + T_STATE, ST_PARKING, ST_NOTIFIED) == ST_PARKING) return;
    } else {
      return;
    }
  }
}

/**
 * Wakes a pinned thread that `unpark` has just made RUNNABLE (it must not go to a run queue): its worker waits for
 * it on the native stack (driver/pin.ts), on the state word or, running a nested loop, as an idle worker.
 */
function wakePinned(t: usize): void {
  atomic.notify(t + T_STATE); // a pin beyond the nesting bound waits on the state word
  atomic.add<i32>(WAKE_EPOCH, 1); // a nested loop sleeps as an idle worker: wake every sleeper, it is among them
  atomic.notify(WAKE_EPOCH);
}
