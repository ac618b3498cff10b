// A Future is the result of a spawned thread. `get()` blocks the calling virtual thread (never the worker) until
// the thread has finished, then returns its result, or fails the caller if the thread failed or was cancelled.
//
// The outcome record it extends is scheduler/outcome.ts (the scheduler writes it when the thread ends).

import { current } from "../scheduler/local";
import { syncMemoryView } from "../memory/view";
import { W_FUTURE, isCancelled } from "../scheduler/thread";
import { recordWaitWhile, waitRecorded } from "../scheduler/waitq";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { fromBits } from "../scheduler/bits";
import { FutureBase, Failure, OUTCOME_PENDING, OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_CANCELLED } from "../scheduler/outcome";

export class Future<R> extends FutureBase {
  /**
   * Blocks the calling virtual thread until the future completes. Fails the caller if the thread failed or was
   * cancelled; ends a cancelled caller.
   */
  // Inlined into the caller, with everything that may park in `awaitOutcome`: a thread parked in `get` has two
  // runtime frames for Asyncify to save, of three words together.
  // @ts-ignore: decorator
  @inline wait(): void {
    const self = changetype<usize>(this);
    const t = current;
    if (t != 0 && !isCancelled(t) && atomic.load<i32>(self + offsetof<FutureBase>("state")) == OUTCOME_DONE) {
      syncMemoryView(); // the result may live in memory the worker that ran the thread has just grown
    } else {
      awaitOutcome(self);
    }
  }

  // @ts-ignore: decorator
  @inline get(): R {
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

/** The slow path of `Future.wait`: a pending, failed or cancelled future, or a caller that is cancelled (or none). */
// No `if` around a call that may suspend, and one live local (`self`): Asyncify saves two words of this frame with
// a thread parked here, and one of waitRecorded's.
function awaitOutcome(self: usize): void {
  requireThread("Future.get");
  const stateAt = self + offsetof<FutureBase>("state");
  recordWaitWhile(self + offsetof<FutureBase>("lock"), self + offsetof<FutureBase>("waitHead"), W_FUTURE, self, stateAt,
    OUTCOME_PENDING);
  waitRecorded();
  settleGetOutlined(self);
}

/**
 * After `awaitOutcome` waited (or did not need to): ends a cancelled caller (cancelled before, or while it waited),
 * fails the caller of a future that failed or was cancelled. Outlined (never inlined: host/toolchain/postprocess.ts),
 * so its branches and its messages' temporaries stay out of the frame saved with every thread parked in `get`.
 */
function settleGetOutlined(self: usize): void {
  if (isCancelled(current)) exitCancelled();
  syncMemoryView(); // the result may live in memory the worker that ran the thread has just grown
  const f = changetype<FutureBase>(self);
  const state = atomic.load<i32>(self + offsetof<FutureBase>("state"));
  if (state == OUTCOME_FAILED) failCurrent("thread " + f.thread.toString() + " failed: " + (f.failure as Failure).message);
  if (state == OUTCOME_CANCELLED) failCurrent("thread " + f.thread.toString() + " was cancelled");
}
