// Pinned threads: a virtual thread whose stack holds a JS frame.
//
// A synchronous host function (`@external("host_sync", name)`, host/workers/sync-host.ts) may call back into the
// guest (`guest.call(fn, arg)` in JS enters `__vt_reenter`). While that callback runs, the thread's stack is
// guest frames, then the JS host function, then more guest frames: Asyncify cannot unwind through the JS frame, so
// the thread cannot leave its stack. `hostFrames` counts such frames on the current thread's stack; when it is
// non-zero, `__vt_suspend` does not unwind and comes here instead:
//
// - YIELD: returns at once (a pinned thread cannot yield; it keeps running).
// - EXIT (the thread failed or was cancelled inside a callback): traps out to JS with `abort`. The exception goes
//   through `guest.call` (which restores `hostFrames` and refuses further calls), the host function and the guest's
//   import call, to whoever runs the thread (the worker's pump, or the nested trampoline below), which calls
//   `__vt_fail_current`: `takePinnedExit` finishes the thread with the failure (or cancellation) recorded first.
// - PARK: the thread is PIN-PARKED on this worker: flagged F_PINNED, moved PARKING -> PARKED, and this worker waits
//   for it to leave PARKED (unpark sets RUNNABLE and notifies, never queues it). Meanwhile it runs the other threads
//   in a nested scheduler loop (`__vt_run_nested`, one thread per call through the `vthreads.run_nested` import, so
//   a trap in a nested thread is caught by the host there and fails only that thread), fires due timers, and sleeps
//   on WAKE_EPOCH (as an idle worker, so pushes wake it) when nothing is runnable. Nested pins are allowed up to
//   MAX_PIN_NEST levels; a deeper one just blocks (no nested loop: the native stack is finite). On the JSPI backend
//   a pinned worker only blocks: its other threads are resumed by its JS loop, which cannot run during the pin (the
//   JS frame on the stack would make a JSPI suspension fail with a SuspendError; pinning is what avoids it).
//
// The Asyncify state is normal all along: a pinned thread never starts an unwind, and each nested thread's unwind
// starts and stops inside `runThread`, above the pinned frames, which Asyncify never sees.
//
// The collector: the pinned thread's live references are in Wasm locals below the host frame, which no collector
// can see. So a worker stays ACTIVE (a mutator) for the whole pin, and no collection starts while any worker is
// pinned (PINNED_WORKERS; a collection waiting for workers to stop gives up and stays requested: memory/gc.ts).
//
// Never hang: a pinned thread that waits on a host call of its own worker fails at once (the promise can only settle
// in the worker's event loop, which cannot run until the pin ends); an idle pinned worker checks, like an idle
// worker does, whether nothing can make progress (every other worker idle, nothing runnable, no timer, no host call
// in flight but its own), and after DEADLOCK_CONFIRM_MS with no switch anywhere, breaks the deadlock: with host
// calls of its own pending, the pinned thread fails saying so; otherwise the blocked root calls fail with the
// deadlock error (debug/deadlock.ts). For those checks, a pinned worker is idle only while the thread its innermost
// pin waits for is still parked (PIN_WAITS, workerIdle), and resuming a pinned thread counts as a switch.

import { T_STATE, T_FLAGS, T_WAIT_KIND, T_WAIT_OBJ, ST_PARKING, ST_PARKED, ST_RUNNING, F_PINNED, W_HOST, isShielded }
  from "../scheduler/thread";
import { current, setCurrent, stats, workerIndex, jspi, hostFrames, setHostFrames } from "../scheduler/local";
import { REASON_PARK, REASON_EXIT, WAKE_EPOCH, SLEEPERS, WORKER_STATS, WS_IDLE, WS_PINS, WS_SWITCHES, PINNED_WORKERS,
         PIN_WAITS, DEADLOCK_CONFIRM_MS, IDLE_PINNED, WORKER_STATS_STRIDE } from "../memory/layout";
import { runThread } from "./loop";
import { flushEnds } from "../groups/group";
import { cancelThread } from "../scheduler/waitq";
import { recordFailure } from "../scheduler/fail";
import { exitThread } from "./exit";
import { now } from "../scheduler/clock";
import * as runqueue from "../scheduler/runqueue";
import * as timers from "../scheduler/timers";
import { cas, publish } from "../memory/sharing";
import { R_OWNER } from "../io/record";
import { breakDeadlock, pinnedWorkerStuck, totalSwitches } from "../debug/deadlock";

/** Runs one runnable thread through the host (which catches a trap and fails that thread): 1 if it ran one. */
// @ts-ignore: decorator
@external("vthreads", "run_nested")
declare function hostRunNested(): i32;

/** Host calls this worker has started whose promises have not settled. */
// @ts-ignore: decorator
@external("vthreads", "host_pending")
declare function hostPending(): i32;

/** Lets the host take the messages sent to this worker meanwhile (cancellations, dumps), where it can. */
// @ts-ignore: decorator
@external("vthreads", "pinned_poll")
declare function hostPoll(): void;

/** How many pinned waits may nest on one worker with a nested scheduler loop; deeper ones only block. */
// @ts-ignore: decorator
@inline export const MAX_PIN_NEST: i32 = 8;
/** An idle pinned worker looks again at least this often (another worker may have gone idle meanwhile). */
// @ts-ignore: decorator
@inline const RECHECK_MS: f64 = 50;

/** Pinned waits in progress on this worker (each one's frames below the next). */
let pinNest: i32 = 0; // per worker
/** The thread that trapped out of a callback because it failed or was cancelled (REASON_EXIT while pinned). */
let exiting: usize = 0; // per worker

/** `__vt_reenter`: a synchronous host function calls guest function `fn` (a table index) with `arg`. */
export function reenter(fn: u32, arg: i32): i32 {
  setHostFrames(hostFrames + 1);
  const result = call_indirect<i32>(fn, arg);
  setHostFrames(hostFrames - 1);
  return result;
}

// @ts-ignore: decorator
@lazy const PINNED_EXIT = "vthreads: the thread ended inside a callback of a synchronous host function";
// @ts-ignore: decorator
@lazy const OWN_HOST_CALL = "a pinned thread waits on a host call started on its own worker, which cannot " +
  "settle until the pin ends (the host function's promise settles in that worker's event loop)";
// @ts-ignore: decorator
@lazy const STUCK_HOST_CALLS = "a pinned thread cannot make progress: nothing else can run, and the host calls " +
  "it may be waiting for were started on its worker, whose event loop cannot run until the pin ends";

// @ts-ignore: decorator
@lazy const TOO_DEEP = "pinned waits nested too deeply on one worker (more than 8: beyond that a pinned worker " +
  "runs no other thread), and no other worker runs the threads that could wake this one";
// @ts-ignore: decorator
@lazy const JSPI_NO_NESTING = "a pinned thread waits for threads that only its worker can run (on the JSPI backend " +
  "a pinned worker runs no other thread), and no other worker can wake it";
// @ts-ignore: decorator
@lazy const DEADLOCK_PINNED = "deadlock: a pinned thread waits and nothing can wake it (no runnable thread, no " +
  "pending timer or host call)";

/** `__vt_suspend` with `hostFrames > 0` (scheduler/suspend.ts). */
export function suspendPinned(reason: i32): void {
  if (reason == REASON_PARK) pinnedPark(current);
  else if (reason == REASON_EXIT) {
    exiting = current;
    abort(PINNED_EXIT); // out through the host function: the failure (or cancellation) is already recorded
  }
  // a yield: a pinned thread keeps running
}

/** After a trap: true (and the thread finished) when it was a pinned thread's exit, already recorded. */
export function takePinnedExit(): bool {
  const t = exiting;
  exiting = 0;
  if (t == 0 || t != current) return false;
  setCurrent(0);
  exitThread(t);
  return true;
}

function pinnedPark(t: usize): void {
  store<u32>(t, load<u32>(t, T_FLAGS) | F_PINNED, T_FLAGS); // before PARKED: a waker that sees PARKED sees it
  store<u32>(stats, load<u32>(stats, WS_PINS) + 1, WS_PINS);
  if (cas<i32>(t + T_STATE, ST_PARKING, ST_PARKED) == ST_PARKING) {
    const saved = hostFrames;
    setHostFrames(0); // the nested threads have none of this thread's frames on their stacks
    pinNest++;
    atomic.add<i32>(PINNED_WORKERS, pinNest == 1 ? 1 : 0);
    // Published before this worker can look idle: the deadlock checks (workerIdle) find the thread it waits for.
    const slot = PIN_WAITS + (<usize>workerIndex << alignof<usize>());
    const outer = atomic.load<usize>(slot);
    atomic.store<usize>(slot, t);
    if (<i32>load<u8>(t, T_WAIT_KIND) == W_HOST && load<u32>(load<usize>(t, T_WAIT_OBJ), R_OWNER) == workerIndex) {
      failPinned(t, OWN_HOST_CALL);
    }
    waitPinned(t);
    atomic.store<usize>(slot, outer);
    // A resume, counted as one: the deadlock checks take "no switch anywhere meanwhile" as "nothing ran".
    store<u64>(stats, load<u64>(stats, WS_SWITCHES) + 1, WS_SWITCHES);
    if (pinNest == 1) atomic.sub<i32>(PINNED_WORKERS, 1);
    pinNest--;
    setHostFrames(saved);
    setCurrent(t);
  }
  // Woken (RUNNABLE), or NOTIFIED before it could park: it runs on, here.
  store<u32>(t, load<u32>(t, T_FLAGS) & ~F_PINNED, T_FLAGS);
  publish<i32>(t + T_STATE, ST_RUNNING);
}

/** Fails the pinned thread `t` (parked on this worker) and wakes it; its blocking call then ends it. */
function failPinned(t: usize, message: string): void {
  if (isShielded(t)) return; // running its cleanups: shielded, it cannot be woken this way
  recordFailure(t, message);
  while (!cancelThread(t, 0)) { /* its queue's lock is busy for a moment */ }
}

function waitPinned(t: usize): void {
  // On JSPI the other threads' stacks are resumed by the worker's JS loop, which cannot run during the pin: the
  // worker only waits (other workers go on running their threads).
  const nested = !jspi && pinNest <= MAX_PIN_NEST;
  let suspect: i64 = -1;
  let runs: u32 = 0;
  while (atomic.load<i32>(t + T_STATE) == ST_PARKED) {
    if (nested && hostRunNested() != 0) { // one thread ran (between threads: look at the pinned one again)
      suspect = -1;
      if ((++runs & 255) == 0) hostPoll();
      continue;
    }
    hostPoll();
    if (atomic.load<i32>(t + T_STATE) != ST_PARKED) break;
    const time = now();
    if (timers.hasTimers()) {
      if (timers.fireDue(time) > 0) continue;
    }
    if (nested && runqueue.runnableCount() != 0) continue;
    let timeout = timers.nextDeadline() - time;
    if (timeout > RECHECK_MS) timeout = RECHECK_MS;
    const deadlocked = pinnedWorkerStuck(hostPending());
    // Beyond the bound this worker runs nothing: threads left runnable with no switch anywhere wait for it in vain.
    if (deadlocked || (!nested && runqueue.runnableCount() != 0)) {
      const switches = totalSwitches();
      if (suspect == switches) {
        suspect = -1;
        if (!deadlocked) failPinned(t, jspi ? JSPI_NO_NESTING : TOO_DEEP);
        else if (hostPending() > 0) failPinned(t, STUCK_HOST_CALLS);
        else if (breakDeadlock() == 0) failPinned(t, DEADLOCK_PINNED); // no blocked root call to fail: fail it
        // (NOT_BROKEN: another worker is breaking it, or has: look again)
        continue;
      }
      suspect = switches;
      if (timeout > <f64>DEADLOCK_CONFIRM_MS) timeout = <f64>DEADLOCK_CONFIRM_MS;
    } else {
      suspect = -1;
    }
    sleep(t, nested, timeout);
  }
}

/** Sleeps until woken, work arrives (nested) or `timeoutMs` passes. */
function sleep(t: usize, nested: bool, timeoutMs: f64): void {
  // This worker's batch of ends may be what the pinned thread, or another worker, waits for: look again after it.
  if (flushEnds()) return;
  const ns: i64 = timeoutMs <= 0 ? 0 : <i64>(timeoutMs * 1e6);
  const idle = WORKER_STATS + <usize>workerIndex * WORKER_STATS_STRIDE + WS_IDLE;
  if (nested) {
    // The idle protocol of host/workers/run-loop.ts: announce, re-check, wait (a push after the re-check sees us).
    atomic.add<i32>(SLEEPERS, 1);
    const epoch = atomic.load<i32>(WAKE_EPOCH);
    if (runqueue.runnableCount() == 0 && atomic.load<i32>(t + T_STATE) == ST_PARKED) {
      atomic.store<i32>(idle, IDLE_PINNED);
      atomic.wait<i32>(WAKE_EPOCH, epoch, ns);
      atomic.store<i32>(idle, 0);
    }
    atomic.sub<i32>(SLEEPERS, 1);
  } else {
    atomic.store<i32>(idle, IDLE_PINNED);
    atomic.wait<i32>(t + T_STATE, ST_PARKED, ns);
    atomic.store<i32>(idle, 0);
  }
}

/** `__vt_run_nested`: runs one runnable thread inside a pinned wait; 1 if there was one. */
export function runNested(): i32 {
  const t = runqueue.pop();
  if (t == 0) return 0;
  const next = runThread(t);
  if (next != 0) runqueue.requeue(next); // it yielded and was taken again: back to the queue, the pin looks first
  return 1;
}
