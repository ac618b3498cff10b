// A Future is the result of a spawned thread. `get()` blocks the calling virtual thread (never the worker) until
// the thread has finished, then returns its result, or fails the caller if the thread failed or was cancelled.
//
// The outcome record it extends is scheduler/outcome.ts (the scheduler writes it when the thread ends).

import { current } from "../scheduler/local";
import { syncMemoryView } from "../memory/view";
import { lock, unlock } from "../memory/spinlock";
import { W_FUTURE, isCancelled } from "../scheduler/thread";
import { waitIn } from "../scheduler/waitq";
import { WAKE_CANCELLED } from "../memory/layout";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { fromBits } from "../scheduler/bits";
import { FutureBase, Failure, OUTCOME_PENDING, OUTCOME_FAILED, OUTCOME_CANCELLED } from "../scheduler/outcome";

export class Future<R> extends FutureBase {
  /**
   * Blocks the calling virtual thread until the future completes. Fails the caller if the thread failed or was
   * cancelled; ends a cancelled caller.
   */
  wait(): void {
    requireThread("Future.get");
    if (isCancelled(current)) exitCancelled();
    const self = changetype<usize>(this);
    const stateAt = self + offsetof<FutureBase>("state");
    if (atomic.load<i32>(stateAt) == OUTCOME_PENDING) {
      const lockAt = self + offsetof<FutureBase>("lock");
      lock(lockAt);
      if (atomic.load<i32>(stateAt) == OUTCOME_PENDING) {
        if (waitIn(lockAt, self + offsetof<FutureBase>("waitHead"), W_FUTURE, self) == WAKE_CANCELLED) exitCancelled();
      } else {
        unlock(lockAt);
      }
    }
    syncMemoryView(); // the result may live in memory the worker that ran the thread has just grown
    const state = atomic.load<i32>(stateAt);
    if (state == OUTCOME_FAILED) {
      failCurrent("thread " + this.thread.toString() + " failed: " + (this.failure as Failure).message);
    } else if (state == OUTCOME_CANCELLED) {
      failCurrent("thread " + this.thread.toString() + " was cancelled");
    }
  }

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

