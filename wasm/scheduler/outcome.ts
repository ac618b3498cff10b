// A thread's outcome: the record its result or failure goes into, and how waiters learn that it is there. Every
// Future is one (groups/future.ts adds the typed `get()` and the blocking wait); the scheduler writes it when the
// thread ends (scheduler/enter.ts stores the result, scheduler/fail.ts the failure, driver/finish.ts completes it).
//
// Waiters queue under the outcome's spin lock (scheduler/waitq.ts), so a cancelled waiter can be taken out; the
// thread's end takes that lock only when a waiter may be there (`completeFuture`).

import { lock, unlock } from "../memory/spinlock";
import { WAKE_GRANTED } from "../memory/layout";
import { qTakeAll, unparkAll } from "./waitq";
import { FUTURE_THREAD } from "./thread";

// @ts-ignore: decorator
@inline const PENDING: i32 = 0;
// @ts-ignore: decorator
@inline const DONE: i32 = 1;
// @ts-ignore: decorator
@inline const FAILED: i32 = 2;
// @ts-ignore: decorator
@inline const CANCELLED: i32 = 3;

/** The states of an outcome: still pending, or how the thread ended (`completeFuture`). */
// @ts-ignore: decorator
@inline export const OUTCOME_PENDING: i32 = PENDING;
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
  /** Id of the thread computing this future: the one place it is kept (`threadId`, scheduler/thread.ts). */
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

  /** Completes a future whose thread never started (spawn into a cancelled group). */
  cancelNow(): void {
    completeFuture(changetype<usize>(this), OUTCOME_CANCELLED);
  }
}

/** Publishes the outcome (the value or error was stored before) and wakes every waiter. */
export function completeFuture(futurePtr: usize, outcome: i32): void {
  const lockAt = futurePtr + offsetof<FutureBase>("lock");
  const q = futurePtr + offsetof<FutureBase>("waitHead");
  atomic.store<i32>(futurePtr + offsetof<FutureBase>("state"), outcome);
  // No waiter, no lock (most futures are read after a join, never waited on). A waiter reads the state under the lock
  // before it queues, and all of these are sequentially consistent: one that takes the lock after the load below
  // reads the outcome and does not queue; one that holds it now, or has queued, is seen here.
  if (atomic.load<i32>(lockAt) == 0 && atomic.load<usize>(q) == 0) return;
  lock(lockAt);
  const woken = qTakeAll(q, WAKE_GRANTED);
  unlock(lockAt);
  unparkAll(woken);
}

if (offsetof<FutureBase>("thread") != FUTURE_THREAD) ERROR("FutureBase.thread must stay at FUTURE_THREAD (scheduler/thread.ts)");
