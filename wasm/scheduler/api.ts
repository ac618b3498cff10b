// The scheduling calls guest code makes: yield, sleep, the clock, the current thread's id.

import { T_ID } from "./thread";
import { current } from "./local";
import { __vt_suspend, REASON_YIELD } from "./suspend";
import { prepareToPark, cancelPark, park } from "./park";
import { failCurrent, requireThread } from "./fail";
import { addTimer } from "./timers";
import { now as clockNow } from "./clock";

/** Lets the other runnable threads run; this one goes to the back of the run queue. */
// Inlined so that the thread's own frame calls __vt_suspend directly: one frame fewer to unwind and rewind.
// @ts-ignore: decorator
@inline export function yieldNow(): void {
  requireThread("yieldNow");
  __vt_suspend(REASON_YIELD);
}

/** Suspends the calling virtual thread for at least `ms` milliseconds (its worker runs other threads meanwhile). */
export function sleep(ms: f64): void {
  requireThread("sleep");
  if (!(ms >= 0)) failCurrent("sleep: the duration must be a non-negative number of milliseconds, got " + ms.toString());
  const t = prepareToPark();
  if (!addTimer(clockNow() + ms, t)) {
    cancelPark(t);
    failCurrent("out of memory: cannot register a timer");
  }
  park();
}

/** Milliseconds since the Unix epoch, with sub-millisecond precision, on a clock every worker shares. */
export function now(): f64 {
  return clockNow();
}

/** Id of the calling virtual thread (ids start at 1; 0 means "not in a virtual thread"). */
export function threadId(): u32 {
  return current == 0 ? 0 : load<u32>(current, T_ID);
}
