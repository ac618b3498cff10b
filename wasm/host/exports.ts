// What the host calls. The generated entry file re-exports all of this (docs/abi.md).

import { INIT_STATE, ABI_VERSION, LAYOUT_ABI, HEADER, WORKERS_BOOTED, MAX_WORKERS, WORKER_STATS, WS_HEAP_IN_USE,
         OBJECT_OVERHEAD, OBJECT_RT_ID, OBJECT_RT_SIZE, WORKER_STATS_STRIDE }
  from "../memory/layout";
import { heapInit, heapAlloc, heapAllocManaged, heapFree, heapAttachWorker } from "../memory/heap";
import { gcAttachWorker, mutatorEnter, mutatorLeave } from "../memory/gc";
import { pin, unpin } from "../memory/pins";
import { setWorkerIndex, setScratch, setJspi, hostFrames, setHostFrames } from "../scheduler/local";
import { jspiSwitch, jspiAttachWorker, jspiNext, jspiEnter, jspiAfter, jspiFireTimers, jspiAbandonStack, jspiUseWorkerStack } from "../driver/jspi";
import { setWorkerCount } from "../memory/sharing";
import { allocScratch } from "../scheduler/stacks";
import { runSlice, failRunning } from "../driver/loop";
import { attachWorker, runnableCount } from "../scheduler/runqueue";
import { nextDeadline } from "../scheduler/timers";
import { writeDump } from "../debug/dump";
import { deadlockSuspected, breakDeadlock } from "../debug/deadlock";
import { cancelRoot } from "../driver/roots";
import { cancelGroup, groupDeadlinePassed, GROUP_TIMER_SLOT } from "../groups/group";
import { createDefaultGroup, defaultGroup } from "../groups/background";
import { settleHostCall, dropHostCall } from "../io/settle";
import { reenter, runNested, takePinnedExit, suspendPinned } from "../driver/pin";
import { registerSuspendHooks, registerTimerTargets } from "../scheduler/hooks";
import { timerChannelFired, TIMER_CHANNEL_SLOT } from "../sync/timer";
import { releaseStdLockAfterTrap } from "./program";

// Running the guest's top-level code once per runtime, and the std lock (host/program.ts).
export { __vt_start_program, __vt_program_failed, __vt_std_lock, __vt_std_unlock } from "./program";

// The toolchain replaces this import with a function that copies the (passive) data segments into memory:
// asc emits active segments, which every new instance would copy again over memory other workers already changed.
// @ts-ignore: decorator
@external("vthreads", "init_data")
declare function initData(): void;

/**
 * Once per instance, before anything else; the first caller initialises the shared memory. `workers` is how many
 * workers the runtime has (fixed for its life). Returns HEADER.
 */
export function __vt_boot(workerIndex: u32, workers: u32, backendJspi: bool): usize {
  if (workerIndex >= MAX_WORKERS || workers > MAX_WORKERS || workerIndex >= workers) {
    abort("vthreads: at most 64 workers, and the worker index below their count");
  }
  const first = atomic.cmpxchg<i32>(INIT_STATE, 0, 1) == 0;
  if (first) {
    initData();
    heapInit(__heap_base);
    atomic.store<u32>(ABI_VERSION, LAYOUT_ABI);
    atomic.store<i32>(INIT_STATE, 2);
    atomic.notify(INIT_STATE);
  } else {
    while (atomic.load<i32>(INIT_STATE) != 2) atomic.wait<i32>(INIT_STATE, 1, 1000000);
  }
  const stats = WORKER_STATS + <usize>workerIndex * WORKER_STATS_STRIDE;
  setWorkerIndex(workerIndex, stats);
  // The scheduler core's calls into the layers above it (scheduler/hooks.ts), set before any thread can run.
  registerSuspendHooks(suspendPinned, jspiSwitch);
  registerTimerTargets(groupDeadlinePassed, GROUP_TIMER_SLOT, timerChannelFired, TIMER_CHANNEL_SLOT);
  setWorkerCount(workers);
  // From here this worker touches the heap: a collection must wait for it (and it for a collection in progress).
  if (!gcAttachWorker(workerIndex, workers)) abort("vthreads: out of memory for the worker's globals block");
  if (!heapAttachWorker(workerIndex, stats + WS_HEAP_IN_USE)) abort("vthreads: out of memory for the worker's block cache");
  if (backendJspi) {
    setJspi(true);
    if (!jspiAttachWorker()) abort("vthreads: out of memory for the worker's shadow stack");
  } else {
    const scratch = allocScratch();
    if (scratch == 0) abort("vthreads: out of memory for the worker's scratch stack");
    setScratch(scratch);
  }
  if (!attachWorker(workerIndex, workers)) abort("vthreads: out of memory for the worker's run queue");
  // The default group lives only in the header, which the collector does not scan: pinned. Created before this
  // worker reports ready, so before any call can spawn into it.
  if (first && !pin(createDefaultGroup())) abort("vthreads: out of memory for the default group");
  atomic.add<i32>(WORKERS_BOOTED, 1);
  mutatorLeave();
  return HEADER;
}

/**
 * Runs virtual threads for up to `sliceMs`; 0 = idle (nothing runnable), 1 = more work waiting. When a trap escapes
 * it, the host fails the thread (`__vt_fail_current`) and then calls `__vt_mutator_leave`.
 */
export function __vt_run(sliceMs: f64): i32 {
  mutatorEnter();
  const status = runSlice(sliceMs);
  mutatorLeave();
  return status;
}

// The JSPI backend's loop (host/workers/jspi-loop.ts) drives these; see driver/jspi.ts.

/** The next thread to run here, made current: a suspended one as `resumer << 1 | 1`, a new one as its record; 0 when none is runnable. */
export function __vt_jspi_next(): usize {
  return jspiNext();
}

/** Wrapped with WebAssembly.promising by the host: runs thread `t` on a new JSPI stack. */
export function __vt_jspi_enter(t: usize): void {
  jspiEnter(t);
}

/** After `t` returned or suspended; non-zero (1 + its resumer index) when its stack is over. */
export function __vt_jspi_after(t: usize): u32 {
  return jspiAfter(t);
}

export function __vt_jspi_timers(): void {
  jspiFireTimers();
}

/** Right after `__vt_boot` on JSPI: this worker's scheduler code runs on its own shadow stack from now on. */
export function __vt_jspi_attach(): void {
  jspiUseWorkerStack();
}

/**
 * A trap ended the running thread's JSPI stack: switch to the worker's own shadow stack. The host calls this before
 * `__vt_fail_current`, from a function without a shadow frame (a frame's epilogue would undo the switch).
 */
export function __vt_jspi_abandon(): u32 {
  return jspiAbandonStack();
}

/**
 * The host is about to run code that allocates or holds guest references outside `__vt_run` (`_start`, lowering a
 * call's arguments): waits for a collection in progress, and keeps the next one from starting until
 * `__vt_mutator_leave`. Collections happen only while every worker is outside such a bracket or at a safepoint.
 */
export function __vt_mutator_enter(): void {
  mutatorEnter();
}

/** Ends the bracket of `__vt_mutator_enter` (publishes this instance's globals for the collector). */
export function __vt_mutator_leave(): void {
  mutatorLeave();
}

/** Keeps a reference the host holds alive until `__vt_unpin`; 0 when out of memory. */
export function __vt_pin(ptr: usize): i32 {
  return pin(ptr) ? 1 : 0;
}

/** Undoes one `__vt_pin`; 0 when the reference was not pinned. */
export function __vt_unpin(ptr: usize): i32 {
  return unpin(ptr) ? 1 : 0;
}

// @ts-ignore: decorator
@lazy const UNREPORTABLE = "the thread failed, and there was no memory left to say why";

/** The running thread trapped; fail it with `message` (a String, or 0 when the host could not allocate one). */
export function __vt_fail_current(message: usize): i32 {
  releaseStdLockAfterTrap();
  if (takePinnedExit()) return 1; // a pinned thread that failed or was cancelled in a callback: already recorded
  return failRunning(message != 0 ? changetype<string>(message) : UNREPORTABLE) ? 1 : 0;
}

/** Threads this worker could run (the global queue, every deque, its inbox); the idle protocol's re-check. */
export function __vt_runnable(): u32 {
  return runnableCount(false);
}

/** Earliest timer deadline (ms on the shared clock), +Infinity when none. */
export function __vt_next_deadline(): f64 {
  return nextDeadline();
}

export function __vt_alloc(size: usize): usize {
  return heapAlloc(size);
}

export function __vt_free(ptr: usize): void {
  heapFree(ptr);
}

/** A String of `units` UTF-16 code units for the host to fill in; 0 when out of memory (never traps). */
export function __vt_string(units: u32): usize {
  const bytes = <usize>units << 1;
  const block = heapAllocManaged(OBJECT_OVERHEAD + bytes);
  if (block == 0) return 0;
  store<u32>(block, idof<string>(), OBJECT_RT_ID);
  store<u32>(block, <u32>bytes, OBJECT_RT_SIZE);
  return block + OBJECT_OVERHEAD;
}

/** The thread dump as JSON: a block {length u32, capacity u32, UTF-8 bytes} the host frees; 0 when out of memory. */
export function __vt_dump(): usize {
  mutatorEnter(); // it reads (and allocates) guest objects: no collection meanwhile
  const block = writeDump();
  mutatorLeave();
  return block;
}

/** 1 when this worker, about to idle, sees every live thread blocked with nothing that could wake them. */
export function __vt_deadlock_suspected(): i32 {
  return deadlockSuspected() ? 1 : 0;
}

/** Fails the blocked root calls with a deadlock error carrying the dump; returns how many (or -1, NOT_BROKEN). */
export function __vt_break_deadlock(): i32 {
  mutatorEnter();
  const n = breakDeadlock();
  mutatorLeave();
  return n;
}

/** Cancels the root call running as thread `id` (the host's AbortSignal fired); 0 when it has already ended. */
export function __vt_cancel_root(id: u32): i32 {
  mutatorEnter();
  const found = cancelRoot(id);
  mutatorLeave();
  return found ? 1 : 0;
}

/** Cancels the background group (the host's close gave up waiting for it). */
export function __vt_cancel_background(): void {
  mutatorEnter();
  cancelGroup(changetype<usize>(defaultGroup()), false);
  mutatorLeave();
}

/** A host call's JS function settled (state 1 ok, 2 failed; result written): wake its thread. */
export function __vt_host_settle(rec: usize, state: i32): i32 {
  return settleHostCall(rec, state);
}

/** The worker aborted a host call whose thread was cancelled: it lets go of the record. */
export function __vt_host_drop(rec: usize): void {
  dropHostCall(rec);
}

// Synchronous host functions that call back into the guest (driver/pin.ts, host/workers/sync-host.ts).

/** A synchronous host function calls the guest's function at table index `fn`, of type (i32) => i32. */
export function __vt_reenter(fn: u32, arg: i32): i32 {
  return reenter(fn, arg);
}

/** Host frames on the running thread's stack; the host restores the count when a callback threw. */
export function __vt_host_frames(): i32 {
  return hostFrames;
}

export function __vt_set_host_frames(n: i32): void {
  setHostFrames(n);
}

/** A pinned wait's nested scheduler loop: runs one runnable thread (the host catches its traps); 1 if it ran one. */
export function __vt_run_nested(): i32 {
  return runNested();
}
