// A Future is the result of a spawned thread. `get()` blocks the calling virtual thread (never the worker) until
// the thread has finished, then returns its result, or fails the caller if the thread failed.
//
// Waiters form a lock-free list (a Treiber stack through the threads' `next` field). Completing swaps in the
// sentinel COMPLETED, so a getter either gets onto the list before completion (and is woken) or sees COMPLETED.

import { T_NEXT } from "../scheduler/thread";
import { syncMemoryView } from "../memory/view";
import { prepareToPark, cancelPark, park, unpark } from "../scheduler/park";
import { failCurrent, requireThread } from "../scheduler/fail";
import { fromBits } from "./bits";

// @ts-ignore: decorator
@inline const PENDING: i32 = 0;
// @ts-ignore: decorator
@inline const DONE: i32 = 1;
// @ts-ignore: decorator
@inline const FAILED: i32 = 2;
// @ts-ignore: decorator
@inline const COMPLETED: usize = 1;

/** Why a thread failed, and which thread the failure started in. */
export class Failure {
  constructor(public message: string, public thread: u32) {}
}

/**
 * The part of every Future the runtime touches, whatever its result type. The scheduler stores the result: a
 * reference in `ref` (typed, so a collector can trace it), anything else as 64 bits in `bits`. Fields are ordered
 * so the object is 28 bytes (a 48-byte block with its headers).
 */
export class FutureBase {
  state: i32 = PENDING;
  waiters: usize = 0;
  failure: Failure | null = null;
  /** Id of the thread computing this future. */
  thread: u32 = 0;
  bits: u64 = 0;
  ref: Object | null = null;

  get done(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<FutureBase>("state")) != PENDING;
  }

  get failed(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<FutureBase>("state")) == FAILED;
  }

  /** Blocks the calling virtual thread until the future completes; fails the caller if the thread failed. */
  wait(): void {
    const self = changetype<usize>(this);
    const stateAt = self + offsetof<FutureBase>("state");
    if (atomic.load<i32>(stateAt) == PENDING) {
      requireThread("Future.get");
      const waitersAt = self + offsetof<FutureBase>("waiters");
      const t = prepareToPark();
      let published = false;
      while (true) {
        const head = atomic.load<usize>(waitersAt);
        if (head == COMPLETED) break;
        store<usize>(t, head, T_NEXT);
        if (atomic.cmpxchg<usize>(waitersAt, head, t) == head) { published = true; break; }
      }
      if (published) park();
      else cancelPark(t);
    }
    syncMemoryView(); // the result may live in memory the worker that ran the thread has just grown
    if (atomic.load<i32>(stateAt) == FAILED) {
      failCurrent("thread " + this.thread.toString() + " failed: " + (this.failure as Failure).message);
    }
  }
}

export class Future<R> extends FutureBase {
  get(): R {
    this.wait();
    if (isVoid<R>()) {
      return;
    } else if (isReference<R>()) {
      return changetype<R>(this.ref);
    } else {
      return fromBits<R>(this.bits);
    }
  }
}

/** Publishes the outcome (the value or error was stored before) and wakes every waiter. */
export function completeFuture(futurePtr: usize, failed: bool): void {
  atomic.store<i32>(futurePtr + offsetof<FutureBase>("state"), failed ? FAILED : DONE);
  let w = atomic.xchg<usize>(futurePtr + offsetof<FutureBase>("waiters"), COMPLETED);
  while (w != 0) {
    const next = load<usize>(w, T_NEXT); // read first: once woken, w may run elsewhere and reuse `next`
    unpark(w);
    w = next;
  }
}
