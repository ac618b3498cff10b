// The JSPI backend's side of a switch. With JSPI the engine keeps each virtual thread's stack: the host enters a
// thread through a `WebAssembly.promising` export (`__vt_jspi_enter`), and a thread suspends by calling the
// `WebAssembly.Suspending` import `vthreads.jspi_suspend`, which hands control back to the host's scheduler loop
// (host/workers/jspi-loop.ts). The loop asks this module what to run (`jspiNext`), runs or resumes it, and then
// tells this module what became of it (`jspiAfter`). Queues, waits and wakes are the same code as with Asyncify.
//
// Two things differ:
//  - A suspended stack belongs to the worker (the JS agent) that created it: such a thread never migrates. It is
//    queued in its home worker's inbox, never in a stealable deque (scheduler/runqueue.ts).
//  - The collector cannot see into engine stacks, so a JSPI build keeps every managed local on a shadow stack too
//    (AssemblyScript's shadow-stack pass, `__stack_pointer`), one block per thread. A suspended thread's live part
//    is [saved sp, end), which the collector scans (memory/heap.ts F_SCAN_SHADOW). Each worker's scheduler code runs
//    on a shadow stack of its own. The toolchain turns the `vt_shadow` imports below into accesses to the stack
//    pointer and to the limit its overflow check compares with (host/toolchain/postprocess.ts).

import { T_ARG, T_STACK, T_STATE, ST_RUNNABLE } from "../scheduler/thread";
import { current, setCurrent, setSuspendReason, suspendReason } from "../scheduler/local";
import { REASON_EXIT, REASON_YIELD, REASON_COLLECT, STACK_TRIMMED, SHADOW_RESUMER } from "../memory/layout";
import { enter, storeResult } from "../scheduler/enter";
import { startRunning } from "./loop";
import { parked } from "../scheduler/park";
import { exitThread } from "./exit";
import { flushEnds } from "../groups/group";
import { recordFailure } from "../scheduler/fail";
import { now } from "../scheduler/clock";
import { heapAlloc, heapCapacity, heapFree, setNoScan, setScanShadow, SMALL_LIMIT } from "../memory/heap";
import { gcPending, markWhileIdle, safepoint } from "../memory/gc";
import * as runqueue from "../scheduler/runqueue";
import * as timers from "../scheduler/timers";

// @ts-ignore: decorator
@external("vthreads", "jspi_suspend")
declare function jspiSuspend(t: usize, block: usize): void;

/**
 * Thread `t` returned: settles it and keeps this engine stack for a new thread. Returns the next thread to run here,
 * or STACK_ENDS (the host keeps enough idle stacks) or STACK_TRIMMED (the worker has nothing to run: it gives its idle
 * stacks back) to end the stack.
 */
// @ts-ignore: decorator
@external("vthreads", "jspi_done")
declare function jspiDone(t: usize, spare: usize): usize;

/** This engine stack ends, with what `jspi_done` said last. */
// @ts-ignore: decorator
@external("vthreads", "jspi_stack_end")
declare function jspiStackEnd(why: usize): void;


// @ts-ignore: decorator
@external("vt_shadow", "get")
declare function shadowGet(): usize;

// @ts-ignore: decorator
@external("vt_shadow", "set")
declare function shadowSet(sp: usize, limit: usize): void;

/**
 * A thread's shadow stack: a raw block, {saved sp, resumer, 8 reserved bytes}, then the stack, growing down from the
 * end. The resumer is the host's index of what resumes the suspended stack (host/workers/jspi-loop.ts writes it on
 * the first suspension), 0 until then.
 */
// @ts-ignore: decorator
@inline const SHADOW_HEADER: usize = 16;
// @ts-ignore: decorator
@inline const THREAD_SHADOW_SIZE: usize = SMALL_LIMIT - 16; // the largest small block: 16 KiB would take a 64 KiB page
// @ts-ignore: decorator
@inline const WORKER_SHADOW_SIZE: usize = 32 << 10;

/** This worker's own shadow stack, for scheduler code and host calls into the module between threads. */
let workerSp: usize = 0; // per worker
let workerLimit: usize = 0; // per worker
/** Set by `jspiEnter` when the thread's function returned (the loop then ends the thread). */
let finished: bool = false; // per worker

// @ts-ignore: decorator
@lazy const NO_MEMORY_FOR_STACK = "out of memory: no room for the thread's shadow stack";

/**
 * At boot, on a JSPI build: allocates this worker's own shadow stack. False when out of memory. The switch to it is
 * `jspiUseWorkerStack`, called by the host right after boot: a function that has a shadow frame (boot has one) must
 * not switch stacks, or its epilogue would pop its frame off the new stack.
 */
export function jspiAttachWorker(): bool {
  const block = heapAlloc(WORKER_SHADOW_SIZE);
  if (block == 0) return false;
  setNoScan(block); // between threads the scheduler holds no guest reference the collector must see
  workerLimit = block;
  workerSp = block + heapCapacity(block);
  return true;
}

/** Switches to this worker's shadow stack (from a function without a shadow frame). */
export function jspiUseWorkerStack(): void {
  shadowSet(workerSp, workerLimit);
}

/** `__vt_suspend` on the JSPI backend: record where the shadow stack stands, and suspend until resumed. */
export function jspiSwitch(reason: i32): void {
  const t = current;
  const block = load<usize>(t, T_STACK);
  store<usize>(block, shadowGet());
  setSuspendReason(reason);
  shadowSet(workerSp, workerLimit);
  jspiSuspend(t, block); // returns when the loop resumes this thread (always on this worker)
  shadowSet(load<usize>(block), block + SHADOW_HEADER);
}

/** The host's resumer index of thread `t`'s suspended stack, 0 when it has none. */
function resumerOf(t: usize): u32 {
  const block = load<usize>(t, T_STACK);
  return block == 0 ? 0 : load<u32>(block, SHADOW_RESUMER);
}

/**
 * The next thread to run on this worker, already made current (`startRunning`), or 0 when none is runnable: a
 * suspended one as `resumer << 1 | 1` (the host resumes it by that index), a new one as its record (even). Also the
 * JSPI loop's scheduling point: a collection requested meanwhile runs here, between threads.
 */
export function jspiNext(): usize {
  // Between threads nothing lives on the worker's shadow stack. Resetting it here undoes the drift a trap leaves
  // behind in code called between threads (a trap skips the shadow epilogues), which would end in a false overflow.
  shadowSet(workerSp, workerLimit);
  const t = pickNext();
  const resumer = t == 0 ? 0 : resumerOf(t);
  return resumer == 0 ? t : (<usize>resumer << 1) | 1;
}

function pickNext(): usize {
  while (true) {
    if (gcPending()) safepoint();
    // Every pick reads the clock when timers are set: a JSPI switch costs far more than the reading, and threads that
    // keep yielding must not delay a due sleeper.
    if (timers.hasTimers()) timers.fireDue(now());
    let t = runqueue.pop();
    if (t == 0) {
      if (timers.hasTimers()) timers.fireDue(now());
      t = runqueue.pop();
      if (t == 0) {
        if (flushEnds()) continue; // it may have woken a joiner
        if (markWhileIdle()) continue; // a collection is marking: idle time goes to it
        return 0;
      }
    }
    if (startRunning(t)) return t;
  }
}

/** Fires the timers that are due (the loop calls this between slices of busy work). */
export function jspiFireTimers(): void {
  if (timers.hasTimers()) timers.fireDue(now());
}

/**
 * The promising export's body: runs thread `t`'s function from the start, on the JSPI stack the host just created
 * for it, with a shadow stack of its own; its suspensions return to the host in between. When the function returns,
 * the engine stack is offered back (`jspi_done`): the host hands it the next new thread to run, sparing a new stack
 * (which costs microseconds to create), or 0 to end it. The thread's shadow stack stays with the engine stack too,
 * with its resumer index: a short thread then allocates nothing for its stacks.
 */
export function jspiEnter(t: usize): void {
  let spare: usize = 0; // the shadow stack of the thread that ran here last, kept for the next one
  while (t > STACK_TRIMMED) {
    runOnThisStack(t, spare);
    spare = load<usize>(t, T_STACK);
    if (spare != 0) {
      store<usize>(t, 0, T_STACK);
      store<usize>(spare, spare + heapCapacity(spare)); // empty: the collector scans nothing of it while it waits
    }
    t = jspiDone(t, spare);
  }
  if (spare != 0) heapFree(spare); // the host has freed its resumer index
  jspiStackEnd(t);
}

function runOnThisStack(t: usize, spare: usize): void {
  let block = spare;
  if (block == 0) {
    block = heapAlloc(THREAD_SHADOW_SIZE);
    if (block == 0) {
      recordFailure(t, NO_MEMORY_FOR_STACK);
      finished = true;
      return;
    }
    setScanShadow(block);
    store<u32>(block, 0, SHADOW_RESUMER); // a reused block keeps its resumer index
  }
  store<usize>(t, block, T_STACK);
  // The thread's argument goes in the top slot of its shadow stack, inside the part the collector scans for as long
  // as the thread lives: the function's parameter is a Wasm local no collector sees, and the record's slot for it is
  // reused for messages (T_SLOT) once the thread runs. (Asyncify saves the parameter with the frame instead.)
  const top = block + heapCapacity(block) - 8;
  store<u64>(top, load<u64>(t, T_ARG));
  store<usize>(block, top); // nothing else live until the first suspension
  shadowSet(top, block + SHADOW_HEADER);
  const bits = enter(t);
  shadowSet(workerSp, workerLimit);
  storeResult(t, bits);
  finished = true;
}

/**
 * After `t` ran: it returned, or it suspended for `suspendReason`. Ends it, queues it again, or leaves it parked.
 * Returns 0 when it is suspended and will be resumed; when its JSPI stack is over (the host drops it), 1 + its
 * resumer index (the host frees that).
 */
export function jspiAfter(t: usize): u32 {
  setCurrent(0);
  if (finished) {
    finished = false;
    const resumer = resumerOf(t);
    exitThread(t);
    runqueue.endRun(); // what it made runnable (its joiner, woken by its end) runs next
    return 1 + resumer;
  }
  const reason = suspendReason;
  if (reason == REASON_EXIT) { // failed or cancelled: its stack is abandoned
    const resumer = resumerOf(t);
    exitThread(t);
    runqueue.endRun();
    return 1 + resumer;
  }
  runqueue.endRun(); // before t itself is queued again (at the back)
  if (reason == REASON_COLLECT) { // runs again first: pickNext's safepoint comes before its next thread
    store<i32>(t, ST_RUNNABLE, T_STATE);
    runqueue.homePushFirst(t);
    return 0;
  }
  if (reason == REASON_YIELD) {
    store<i32>(t, ST_RUNNABLE, T_STATE);
    runqueue.requeue(t); // to this worker's inbox: the stack lives here
    return 0;
  }
  parked(t);
  return 0;
}

/**
 * A trap ended the running thread's JSPI stack: the scheduler's shadow stack is this worker's own again. Returns the
 * thread's resumer index (the host frees it), 0 when it had none.
 */
export function jspiAbandonStack(): u32 {
  finished = false;
  shadowSet(workerSp, workerLimit);
  return current == 0 ? 0 : resumerOf(current);
}
