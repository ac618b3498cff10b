// A Future is the result of a spawned thread. `get()` blocks the calling virtual thread (never the worker) until
// the thread has finished, then returns its result, or fails the caller if the thread failed.
//
// Waiters form a lock-free list (a Treiber stack through the threads' `next` field). Completing swaps in the
// sentinel COMPLETED, so a getter either gets onto the list before completion (and is woken) or sees COMPLETED.

import { T_NEXT } from "../scheduler/thread";
import { prepareToPark, cancelPark, park, unpark } from "../scheduler/park";
import { failCurrent, requireThread } from "../scheduler/fail";
import { toBits, fromBits } from "./bits";

// @ts-ignore: decorator
@inline const PENDING: i32 = 0;
// @ts-ignore: decorator
@inline const DONE: i32 = 1;
// @ts-ignore: decorator
@inline const FAILED: i32 = 2;
// @ts-ignore: decorator
@inline const COMPLETED: usize = 1;

/** The part of every Future the runtime touches, whatever its result type. */
export class FutureBase {
  state: i32 = PENDING;
  waiters: usize = 0;
  error: string | null = null;
  /** Id of the thread the failure started in. */
  failedThread: u32 = 0;
  /** Id of the thread computing this future. */
  thread: u32 = 0;

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
    if (atomic.load<i32>(stateAt) == FAILED) {
      failCurrent("thread " + this.thread.toString() + " failed: " + (this.error as string));
    }
  }
}

export class Future<R> extends FutureBase {
  // The result: a reference in `ref` (typed, so a collector can trace it), anything else as 64 bits.
  // (A field of type R would not do: R may be `void`, and a reference field needs an initial value.)
  private ref: Object | null = null;
  private bits: u64 = 0;

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

  /** Stores the thread's result; the scheduler publishes it when the thread ends. */
  set(value: R): void {
    if (isReference<R>()) this.ref = changetype<Object | null>(value);
    else if (!isVoid<R>()) this.bits = toBits<R>(value);
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
