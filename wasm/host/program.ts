// The program: one per runtime, however many workers run it.
//
// The toolchain (host/toolchain/module-state.ts) moves the guest's module variables into shared memory and splits
// top-level code in two: what every instance must run for itself (the runtime's per-worker initialisation, in
// `_start`) and the guest's top-level statements (the `vthreads.run_program` import, which the toolchain defines).
// `__vt_start_program` runs the latter exactly once per runtime; the other workers wait for it, as they wait for
// the data segments in `__vt_boot`.
//
// std's shared state (Math.random's generator, Symbol's registry) is guarded by one lock: the toolchain wraps
// each std function that touches it in `__vt_std_lock`/`__vt_std_unlock`.

import { PROGRAM_STATE, PROGRAM_NOT_STARTED, PROGRAM_RUNNING, PROGRAM_READY, PROGRAM_FAILED, STD_LOCK } from "../memory/layout";
import { workerIndex } from "../scheduler/local";
import { mutatorEnter, mutatorLeave } from "../memory/gc";

// @ts-ignore: decorator
@external("vthreads", "run_program")
declare function runProgram(): void;

/**
 * After `_start`, on every worker: the first to get here runs the guest's top-level code; the others wait until it
 * has. A trap in top-level code escapes to the host, which calls `__vt_program_failed` and reports the failure;
 * a worker that waited returns 0 then (the runtime cannot start, and the worker that ran it says why), else 1.
 */
export function __vt_start_program(): i32 {
  if (atomic.cmpxchg<i32>(PROGRAM_STATE, PROGRAM_NOT_STARTED, PROGRAM_RUNNING) == PROGRAM_NOT_STARTED) {
    runProgram();
    atomic.store<i32>(PROGRAM_STATE, PROGRAM_READY);
    atomic.notify(PROGRAM_STATE);
    return 1;
  }
  // Wait outside the mutator: a collection that top-level code brings on must not wait for this worker.
  mutatorLeave();
  let state = atomic.load<i32>(PROGRAM_STATE);
  while (state == PROGRAM_RUNNING) {
    atomic.wait<i32>(PROGRAM_STATE, PROGRAM_RUNNING, 1_000_000);
    state = atomic.load<i32>(PROGRAM_STATE);
  }
  mutatorEnter();
  return state == PROGRAM_FAILED ? 0 : 1;
}

/** The guest's top-level code trapped on this worker: the others stop waiting for it. */
export function __vt_program_failed(): void {
  if (atomic.load<u32>(STD_LOCK) == workerIndex + 1) releaseStdLock();
  atomic.store<i32>(PROGRAM_STATE, PROGRAM_FAILED);
  atomic.notify(PROGRAM_STATE);
}

/** How many times this worker holds the std lock (std's locked functions call each other: random -> seedRandom). */
let stdLockDepth: u32 = 0; // per worker, like every module variable of the runtime

export function __vt_std_lock(): void {
  const me = workerIndex + 1;
  if (atomic.load<u32>(STD_LOCK) == me) {
    stdLockDepth++;
    return;
  }
  while (atomic.cmpxchg<u32>(STD_LOCK, 0, me) != 0) {
    atomic.wait<u32>(STD_LOCK, atomic.load<u32>(STD_LOCK), 1000); // held for the length of a std call: microseconds
  }
  stdLockDepth = 1;
}

export function __vt_std_unlock(): void {
  if (--stdLockDepth == 0) releaseStdLock();
}

/** A trap inside a locked std function (out of memory in Symbol.for) must not leave the lock held for good. */
export function releaseStdLockAfterTrap(): void {
  if (atomic.load<u32>(STD_LOCK) == workerIndex + 1) releaseStdLock();
}

function releaseStdLock(): void {
  stdLockDepth = 0;
  atomic.store<u32>(STD_LOCK, 0);
  atomic.notify(STD_LOCK);
}
