// The scheduler loop, run by every worker inside Wasm: pop a runnable thread, start or rewind it, and when it
// unwinds, decide where it goes next. Switching never leaves Wasm.

import { WS_SWITCHES, WS_MIGRATIONS, REASON_EXIT, REASON_YIELD, REASON_COLLECT, RUN_IDLE, RUN_BUSY } from "../memory/layout";
import { T_STATE, T_FLAGS, ST_RUNNING, ST_RUNNABLE, F_WORKER_SHIFT, F_NEVER_RAN, F_EXITING,
         F_CANCELLED, threadFlags, isCancelled } from "../scheduler/thread";
import { enter, storeResult } from "../scheduler/enter";
import { workerIndex, stats, unwinding, suspendReason, scratch, rewinding, current, setCurrent, setRewinding,
         setUnwinding } from "../scheduler/local";
import { asyncify_start_rewind, asyncify_stop_unwind, asyncify_stop_rewind } from "../scheduler/suspend";
import { saveStack, rewindFrom, hasSavedStack, scratchIntact, scratchUsed, SCRATCH_SIZE } from "../scheduler/stacks";
import { parked } from "../scheduler/park";
import { recordFailure } from "../scheduler/fail";
import { exitThread } from "./exit";
import { flushEnds, flushEndsBefore } from "../groups/group";
import { now } from "../scheduler/clock";
import { syncMemoryView } from "../memory/view";
import { gcPending, markWhileIdle, safepoint } from "../memory/gc";
import * as runqueue from "../scheduler/runqueue";
import * as timers from "../scheduler/timers";


// Reading the clock (for due timers and the end of the slice) is a host call, too dear for every switch when
// switches take tens of nanoseconds, yet a must for every switch when threads run for milliseconds between yields.
// So the interval adapts: after each reading, aim for the next one about CLOCK_TARGET_MS of work later, judging by
// how long the last switches took, between 1 and CLOCK_MAX_EVERY switches. Every slice starts at 1.
// @ts-ignore: decorator
@inline const CLOCK_MAX_EVERY: u32 = 64;
// @ts-ignore: decorator
@inline const CLOCK_TARGET_MS: f64 = 0.05;

function countSwitch(t: usize): void {
  store<u64>(stats, load<u64>(stats, WS_SWITCHES) + 1, WS_SWITCHES);
  const flags = threadFlags(t);
  const last = (flags >> F_WORKER_SHIFT) & 0xff;
  if (last != 0xff && last != workerIndex) store<u64>(stats, load<u64>(stats, WS_MIGRATIONS) + 1, WS_MIGRATIONS);
  store<u32>(t, (flags & ~(<u32>0xff << F_WORKER_SHIFT)) | (workerIndex << F_WORKER_SHIFT), T_FLAGS);
}

// @ts-ignore: decorator
@lazy const NO_MEMORY_FOR_STACK = "out of memory: no room to save the thread's stack";

/**
 * A thread popped from a run queue is about to run here: makes it the current thread and returns true, or ends it
 * (it was only waiting for its groups to drain, or was cancelled before it ever ran) and returns false. Both
 * backends start every run with this.
 */
export function startRunning(t: usize): bool {
  syncMemoryView(); // t, its stack and its objects may live in memory another worker has just grown
  flushEndsBefore(t);
  runqueue.beginRun();
  const flags = threadFlags(t);
  if (flags & F_EXITING) { // woken while waiting for its groups to drain
    exitThread(t);
    runqueue.endRun();
    return false;
  }
  if ((flags & F_NEVER_RAN) == F_NEVER_RAN && isCancelled(t)) { // cancelled before it ran
    store<u32>(t, flags | F_CANCELLED, T_FLAGS);
    exitThread(t);
    runqueue.endRun();
    return false;
  }
  setCurrent(t);
  // Plain stores to the state are safe while a thread runs: only this worker owns it, and wakers ignore RUNNING.
  store<i32>(t, ST_RUNNING, T_STATE);
  countSwitch(t);
  return true;
}

/** Runs `t` until it ends or suspends; returns the thread to run next when `t` yielded, else 0. */
export function runThread(t: usize): usize {
  if (!startRunning(t)) return 0;
  if (hasSavedStack(t)) {
    setRewinding(true);
    asyncify_start_rewind(rewindFrom(t));
  }
  // The guest function is the bottom frame of the thread's stack: Asyncify instruments it and everything it
  // calls, and a rewind re-enters the thread through it. This function stays uninstrumented.
  const result = enter(t);
  setCurrent(0);
  if (!unwinding) { // returned: the thread is done
    storeResult(t, result);
    exitThread(t);
    runqueue.endRun(); // what it made runnable (its joiner, woken by its end) runs next
    return 0;
  }
  setUnwinding(false);
  asyncify_stop_unwind();
  if (!scratchIntact()) abort("vthreads: a saved stack overflowed the worker's scratch buffer (memory corrupted)");
  const reason = suspendReason;
  if (reason == REASON_EXIT) { // failed or cancelled: its stack is discarded
    exitThread(t);
    runqueue.endRun();
    return 0;
  }
  if (!saveStack(t)) {
    recordFailure(t, NO_MEMORY_FOR_STACK);
    exitThread(t);
    runqueue.endRun();
    return 0;
  }
  if (reason == REASON_YIELD) {
    store<i32>(t, ST_RUNNABLE, T_STATE);
    return runqueue.yielded(t); // after the threads it made runnable, which go to the front
  }
  if (reason == REASON_COLLECT) { // runs again first: the loop's safepoint comes before its next thread
    store<i32>(t, ST_RUNNABLE, T_STATE);
    runqueue.endRun();
    return t;
  }
  runqueue.endRun(); // before `parked`, which queues t at the back if it was woken meanwhile
  parked(t);
  return 0;
}

/**
 * The thread to run next when the last one yielded: `runqueue.yielded` already took it from the queues. Per worker;
 * non-zero only between two slices of a busy worker (which the host runs again at once).
 */
let next: usize = 0;

/** Runs threads until none is runnable (RUN_IDLE) or `sliceMs` has passed (RUN_BUSY). */
export function runSlice(sliceMs: f64): i32 {
  let lastClock = now();
  const end = lastClock + sliceMs;
  let every: u32 = 1; // switches between clock readings
  let since: u32 = 0; // switches since the last reading
  while (true) {
    if (gcPending()) safepoint(); // between threads: every guest reference is in a saved stack, a record or a global
    let t = next;
    next = 0;
    if (t == 0) t = runqueue.pop();
    if (t == 0) {
      if (timers.hasTimers()) timers.fireDue(now());
      t = runqueue.pop();
      if (t == 0) {
        if (flushEnds()) continue; // it may have woken a joiner
        if (markWhileIdle()) continue; // a collection is marking: idle time goes to it
        return RUN_IDLE;
      }
    }
    next = runThread(t); // kept across slices: it is the queue's head, and the alternation of yields depends on it
    if (++since >= every) {
      const time = now();
      if (timers.hasTimers()) timers.fireDue(time);
      if (time >= end) return RUN_BUSY; // `next` (if any) starts the next slice: the host calls again at once
      const span = time - lastClock;
      const ideal = span > 0 ? <f64>since * CLOCK_TARGET_MS / span : <f64>CLOCK_MAX_EVERY;
      every = ideal >= <f64>CLOCK_MAX_EVERY ? CLOCK_MAX_EVERY : ideal < 1 ? 1 : <u32>ideal;
      lastClock = time;
      since = 0;
    }
  }
}

/**
 * The running thread trapped (the host caught the exception). Put Asyncify back to normal and fail the thread.
 * Returns false when no thread was running (the trap came from the runtime itself).
 */
export function failRunning(message: string): bool {
  if (unwinding && scratchUsed() + 8 > SCRATCH_SIZE) {
    message = "stack overflow: the thread's saved stack exceeded " + (SCRATCH_SIZE >> 10).toString() + " KiB";
  }
  if (unwinding) {
    setUnwinding(false);
    // The trap may be Asyncify's own overflow check in stop_unwind: make the buffer look valid before stopping.
    store<usize>(scratch, scratch + 8);
    asyncify_stop_unwind();
  }
  if (rewinding) {
    setRewinding(false);
    asyncify_stop_rewind();
  }
  const t = current;
  if (t == 0) return false;
  setCurrent(0);
  recordFailure(t, message);
  exitThread(t);
  runqueue.endRun();
  return true;
}
