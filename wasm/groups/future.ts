// A Future is the result of a spawned thread. `get()` blocks the calling virtual thread (never the worker) until
// the thread has finished, then returns its result, or fails the caller if the thread failed or was cancelled.
//
// Waiters queue under the future's spin lock (scheduler/waitq.ts), so a cancelled waiter can be taken out.

import { current } from "../scheduler/local";
import { syncMemoryView } from "../memory/view";
import { lock, unlock } from "../memory/spinlock";
import { T_CANCEL } from "../scheduler/thread";
import { waitIn, qTakeAll, unparkAll, W_FUTURE, WAKE_CANCELLED, WAKE_GRANTED } from "../scheduler/waitq";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { fromBits } from "./bits";

// @ts-ignore: decorator
@inline const PENDING: i32 = 0;
// @ts-ignore: decorator
@inline const DONE: i32 = 1;
// @ts-ignore: decorator
@inline const FAILED: i32 = 2;
// @ts-ignore: decorator
@inline const CANCELLED: i32 = 3;

/** How a thread ended, for `completeFuture`. */
// @ts-ignore: decorator
@inline export const OUTCOME_DONE: i32 = DONE;
// @ts-ignore: decorator
@inline export const OUTCOME_FAILED: i32 = FAILED;
// @ts-ignore: decorator
@inline export const OUTCOME_CANCELLED: i32 = CANCELLED;

/** Why a thread failed, and which thread the failure started in. */
export class Failure {
  constructor(public message: string, public thread: u32) {}
}

/**
 * The part of every Future the runtime touches, whatever its result type. The scheduler stores the result: a
 * reference in `ref` (typed, so a collector can trace it), anything else as 64 bits in `bits`.
 */
export class FutureBase {
  state: i32 = PENDING;
  private lock: i32 = 0;
  private waitHead: usize = 0;
  private waitTail: usize = 0;
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

  /** True when the thread was cancelled before it produced a result. */
  get cancelled(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<FutureBase>("state")) == CANCELLED;
  }

  /**
   * Blocks the calling virtual thread until the future completes. Fails the caller if the thread failed or was
   * cancelled; ends a cancelled caller.
   */
  wait(): void {
    requireThread("Future.get");
    if (atomic.load<i32>(current + T_CANCEL) > 0) exitCancelled();
    const self = changetype<usize>(this);
    const stateAt = self + offsetof<FutureBase>("state");
    if (atomic.load<i32>(stateAt) == PENDING) {
      const lockAt = self + offsetof<FutureBase>("lock");
      lock(lockAt);
      if (atomic.load<i32>(stateAt) == PENDING) {
        if (waitIn(lockAt, self + offsetof<FutureBase>("waitHead"), W_FUTURE, self) == WAKE_CANCELLED) exitCancelled();
      } else {
        unlock(lockAt);
      }
    }
    syncMemoryView(); // the result may live in memory the worker that ran the thread has just grown
    const state = atomic.load<i32>(stateAt);
    if (state == FAILED) {
      failCurrent("thread " + this.thread.toString() + " failed: " + (this.failure as Failure).message);
    } else if (state == CANCELLED) {
      failCurrent("thread " + this.thread.toString() + " was cancelled");
    }
  }

  /** Completes a future whose thread never started (spawn into a cancelled group). */
  cancelNow(): void {
    completeFuture(changetype<usize>(this), OUTCOME_CANCELLED);
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
export function completeFuture(futurePtr: usize, outcome: i32): void {
  const lockAt = futurePtr + offsetof<FutureBase>("lock");
  const q = futurePtr + offsetof<FutureBase>("waitHead");
  lock(lockAt);
  atomic.store<i32>(futurePtr + offsetof<FutureBase>("state"), outcome);
  const woken = qTakeAll(q, WAKE_GRANTED);
  unlock(lockAt);
  unparkAll(woken);
}
