// Worker-local state. Module-level variables are Wasm globals, and each worker has its own instance, so these are
// exactly per worker: the thread this worker is running and the state of its current stack switch.
// Nothing here may be read by another worker.

/** The thread record this worker is running, 0 between threads. */
export let current: usize = 0; // per worker
/** Index of this worker (0-based), set at boot. */
export let workerIndex: u32 = 0; // per worker
/** This worker's block of counters in shared memory (WORKER_STATS + 64 * index). */
export let stats: usize = 0; // per worker
/** Per-worker Asyncify scratch buffer every unwind writes into (see scheduler/stacks.ts). */
export let scratch: usize = 0;

/** Set by the scheduler before rewinding a thread; cleared by `suspend` when the rewind arrives. */
export let rewinding: bool = false; // per worker
/** Set by `suspend` when it starts an unwind; the scheduler clears it once the unwind has stopped. */
export let unwinding: bool = false; // per worker
/** Why the thread unwound (one of the REASON_* values in scheduler/suspend.ts). */
export let suspendReason: i32 = 0; // per worker
/** This instance runs the JSPI backend (driver/jspi.ts): threads switch on JSPI stacks, not with Asyncify. */
export let jspi: bool = false; // per worker
/** JS frames (host function calls that called back) on the current thread's stack. Per worker. */
export let hostFrames: i32 = 0; // per worker

/** A host frame is on the stack: the thread cannot leave it (driver/pin.ts). */
// @ts-ignore: decorator
@inline export function pinned(): bool {
  return hostFrames > 0;
}

export function setCurrent(t: usize): void { current = t; }
export function setWorkerIndex(i: u32, statsBlock: usize): void { workerIndex = i; stats = statsBlock; }
export function setScratch(p: usize): void { scratch = p; }
export function setRewinding(v: bool): void { rewinding = v; }
export function setUnwinding(v: bool): void { unwinding = v; }
export function setSuspendReason(r: i32): void { suspendReason = r; }
export function setHostFrames(n: i32): void { hostFrames = n; }
export function setJspi(v: bool): void { jspi = v; }
