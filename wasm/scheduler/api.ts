// The scheduling calls guest code makes: yield, sleep, the clock, the current thread's id.

import { threadId as idOf, W_SLEEP, T_WAKE, isCancelled } from "./thread";
import { current, workerIndex } from "./local";
import { __vt_suspend } from "./suspend";
import { REASON_YIELD, REASON_COLLECT, WAKE_CANCELLED, TIMER_LOCK } from "../memory/layout";
import { failCurrent, exitCancelled, requireThread } from "./fail";
import { addTimerLocked, nextDeadline } from "./timers";
import { recordWaitLocked, waitRecorded, SLEEP_QUEUE } from "./waitq";
import { lock, unlock } from "../memory/spinlock";
import { othersWaiting } from "./runqueue";
import { now as clockNow } from "./clock";
import { gcPending, collectionWaits } from "../memory/gc";

/** Lets the other runnable threads run; this one goes to the back of the run queue. */
// Inlined so that the thread's own frame calls __vt_suspend directly: one frame fewer to unwind and rewind.
// @ts-ignore: decorator
@inline export function yieldNow(): void {
  requireThread("yieldNow");
  if (isCancelled(current)) exitCancelled();
  __vt_suspend(REASON_YIELD);
}

/** Calls to `checkpoint` between looks at whether someone else is waiting. */
// @ts-ignore: decorator
@inline const CHECKPOINT_EVERY: u32 = 256;
let checkpointBudget: u32 = CHECKPOINT_EVERY; // per worker: a cheap approximation of "this thread has run a while"

/**
 * For long loops: scheduling is cooperative, so a thread that computes without blocking keeps its worker. Call
 * `checkpoint()` in such a loop: every 256th call it yields if another thread is waiting to run on this worker, a
 * sleeper is due, or a garbage collection waits for this worker, and it ends the thread if it was cancelled;
 * otherwise it costs a decrement and a branch. (Idle workers steal waiting threads anyway; this is
 * for the threads that only this worker can reach, and for timers.)
 */
// @ts-ignore: decorator
@inline export function checkpoint(): void {
  if (--checkpointBudget == 0) checkpointSlow();
}

function checkpointSlow(): void {
  checkpointBudget = CHECKPOINT_EVERY;
  if (current == 0) return; // module start-up code: nothing to yield to
  if (isCancelled(current)) exitCancelled(); // a cancelled loop ends here
  // A pending collection waits for every worker's next scheduling point: this is one.
  if (gcPending() || othersWaiting() || nextDeadline() <= clockNow()) __vt_suspend(REASON_YIELD);
}

/**
 * A point where the running thread stops for a pending collection, and only for one: it runs again first, right
 * after the safepoint, ahead of everything queued. A collection stops every worker at its next scheduling point, so
 * a thread that spawns in a loop without blocking would keep the collector, and every worker already stopped for it,
 * waiting until its loop ends (hundreds of ms for a million spawns). `spawn` calls this; it costs one load when no
 * collection is pending. Outside a thread there is nothing to stop; a pinned thread keeps running (driver/pin.ts).
 */
// @ts-ignore: decorator
@inline export function collectionPoint(): void {
  if (gcPending()) stopForCollection();
}

function stopForCollection(): void {
  if (current != 0 && collectionWaits()) __vt_suspend(REASON_COLLECT);
}

/** Suspends the calling virtual thread for at least `ms` milliseconds (its worker runs other threads meanwhile). */
export function sleep(ms: f64): void {
  requireThread("sleep");
  if (!(ms >= 0)) failCurrent("sleep: the duration must be a non-negative number of milliseconds, got " + ms.toString());
  if (isCancelled(current)) exitCancelled();
  if (!recordSleepOutlined(ms)) failCurrent("out of memory: cannot register a timer");
  waitRecorded();
  if (<i32>load<u8>(current, T_WAKE) == WAKE_CANCELLED) exitCancelled();
}

/**
 * Puts the running thread in the timer heap and records its wait (TIMER_LOCK held on success). Apart from `sleep`
 * (never inlined: the `Outlined` suffix) so that the deadline is no local of a frame the thread parks in: saved
 * frames are scanned conservatively, and a clock reading's low word would keep whatever it points into alive.
 */
function recordSleepOutlined(ms: f64): bool {
  const deadline = clockNow() + ms; // a host call: before the lock, not inside it
  lock(TIMER_LOCK);
  if (!addTimerLocked(deadline, current)) {
    unlock(TIMER_LOCK);
    return false;
  }
  recordWaitLocked(TIMER_LOCK, SLEEP_QUEUE, W_SLEEP, 0);
  return true;
}

/** True once the calling thread has been cancelled (its next blocking call will end it). */
export function cancelled(): bool {
  return current != 0 && isCancelled(current);
}

/** Milliseconds since the Unix epoch, with sub-millisecond precision, on a clock every worker shares. */
export function now(): f64 {
  return clockNow();
}

/** Id of the calling virtual thread (ids start at 1; 0 means "not in a virtual thread"). */
export function threadId(): u32 {
  return current == 0 ? 0 : idOf(current);
}

/**
 * The index (0-based) of the worker running the calling thread right now. For diagnostics and benchmarks only: a
 * thread may move to another worker at any blocking call, so the answer is stale as soon as the thread blocks.
 */
export function currentWorker(): i32 {
  return <i32>workerIndex;
}
