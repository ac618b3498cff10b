// Per-operation costs of what the workers share (bench/micro/shared-structures.js, bench/README.md "Beyond two
// cores"). Each export starts `threads` threads in one group and returns a checksum the host verifies:
//
// - yieldStorm: every thread yields k times. With more threads than a worker's run queue holds (512), the
//   queue overflows into the global queue (behind its spin lock) and workers take from there and steal.
// - sleepStorm: every thread sleeps k times for 0 ms: a timer inserted into the shared timer heap under its
//   lock, fired (removed under the lock) by the next clock reading, and the thread unparked.
// - lockStorm: every thread takes a spin lock k times (the runtime's own kind: a compare-exchange to take it, a
//   sequentially consistent store to release it) around a few plain stores, like the run queue's and the timer
//   heap's critical sections. With one thread per worker, this is what a global lock sustains under contention.
// - addStorm: every thread adds 1 to a word k times with atomic.add, either all to one shared word or each to its
//   own word on a cache line of its own (`padded`): the price of a cache line that travels between cores.
//
// The spinners first wait (yielding) until each of them runs on a worker of its own, or for at most a second by default (an
// idle worker steals a yielding thread from a busy one), then spin without yielding: on one worker they run one
// after the other; on several they run at once. spinnerWorkers() tells the host on how many workers they ended.
import { ThreadGroup, Future, yieldNow, sleep, currentWorker, now } from "vthreads";

/** One i64 argument per spawned function: index << 32 | k. */
function pack(index: i32, k: i32): i64 {
  return (<i64>index << 32) | <i64>k;
}
// @ts-ignore: decorator
@inline function indexOf(arg: i64): i32 {
  return <i32>(arg >>> 32);
}
// @ts-ignore: decorator
@inline function countOf(arg: i64): i32 {
  return <i32>(arg & 0xffffffff);
}

const MAX_SPINNERS = 64;
const LINE: usize = 64; // bytes per cache line
// The lock, its guarded words (one line), the shared counter (another), one counter line per spinner thread, and
// the worker each spinner ended on.
const LOCK: usize = memory.data(<i32>LINE * 2, <i32>LINE);
const GUARDED: usize = LOCK + 8;
const SHARED: usize = LOCK + LINE;
const OWN: usize = memory.data(<i32>LINE * MAX_SPINNERS, <i32>LINE);
const WORKER_OF: usize = memory.data(4 * MAX_SPINNERS, 4);
const SPINNERS: usize = memory.data(4, 4); // how many spinners the current storm has

/** Before a spinner storm: nobody is anywhere yet. */
function resetSpinners(threads: i32): void {
  for (let i = 0; i < MAX_SPINNERS; i++) atomic.store<i32>(WORKER_OF + (<usize>i << 2), -1);
  atomic.store<i32>(SPINNERS, threads);
}

function yielder(arg: i64): i64 {
  const k = countOf(arg);
  for (let i = 0; i < k; i++) yieldNow();
  return <i64>k;
}

function sleeper(arg: i64): i64 {
  const k = countOf(arg);
  for (let i = 0; i < k; i++) sleep(0);
  return <i64>k;
}

/** Milliseconds a spinner waits for the others to be on workers of their own before it starts anyway. */
let spreadWait: f64 = 1000;

/** Sets how long spinners wait to spread out (tests on a loaded machine wait longer rather than measure less). */
export function setSpreadWaitMs(ms: f64): void {
  if (!(ms >= 0)) abort("setSpreadWaitMs: expected a non-negative number of milliseconds");
  spreadWait = ms;
}

/** Workers the first `threads` spinners are on (from their WORKER_OF slots; -1 = not there yet). */
function distinctWorkers(threads: i32): i32 {
  let seen: u64 = 0;
  for (let i = 0; i < threads && i < MAX_SPINNERS; i++) {
    const w = atomic.load<i32>(WORKER_OF + (<usize>i << 2));
    if (w >= 0) seen |= <u64>1 << <u64>(w & 63);
  }
  return <i32>popcnt<u64>(seen);
}

/**
 * Yields until the `threads` spinners (SPINNERS) run at the same moment on as many workers, or spreadWait ms have
 * passed. A spinner's slot names its worker only while it runs here: it is cleared before each yield, since a
 * yielding thread may be stolen, and a slot left behind would name a worker the thread is no longer on (a spinner
 * that saw such a stale set would start while two of them shared a worker).
 */
function spreadOut(index: i32): void {
  const threads = atomic.load<i32>(SPINNERS);
  const until = now() + spreadWait;
  const slot = WORKER_OF + (<usize>index << 2);
  while (true) {
    atomic.store<i32>(slot, currentWorker());
    if (distinctWorkers(threads) >= threads || now() > until) return;
    atomic.store<i32>(slot, -1);
    yieldNow();
  }
}

function locker(arg: i64): i64 {
  const k = countOf(arg);
  spreadOut(indexOf(arg));
  for (let i = 0; i < k; i++) {
    while (atomic.cmpxchg<i32>(LOCK, 0, 1) != 0) {}
    // the critical section: a counter and three more plain stores (a list append touches about as many words)
    store<i64>(GUARDED, load<i64>(GUARDED) + 1);
    store<i32>(GUARDED, i, 8);
    store<i32>(GUARDED, k, 12);
    store<i32>(GUARDED, i ^ k, 16);
    atomic.store<i32>(LOCK, 0);
  }
  store<i32>(WORKER_OF + (<usize>indexOf(arg) << 2), currentWorker());
  return <i64>k;
}

function sharedAdder(arg: i64): i64 {
  const k = countOf(arg);
  spreadOut(indexOf(arg));
  for (let i = 0; i < k; i++) atomic.add<i64>(SHARED, 1);
  store<i32>(WORKER_OF + (<usize>indexOf(arg) << 2), currentWorker());
  return <i64>k;
}

function ownAdder(arg: i64): i64 {
  const k = countOf(arg);
  const cell = OWN + <usize>indexOf(arg) * LINE;
  spreadOut(indexOf(arg));
  for (let i = 0; i < k; i++) atomic.add<i64>(cell, 1);
  store<i32>(WORKER_OF + (<usize>indexOf(arg) << 2), currentWorker());
  return <i64>k;
}

/** Spawns `threads` threads of `fn` (each gets its index and k), joins them, returns the sum of their results. */
function storm(fn: (arg: i64) => i64, threads: i32, k: i32): i64 {
  if (threads < 1 || k < 0) abort("shared-ops: bad arguments");
  const g = new ThreadGroup();
  const futures = new StaticArray<Future<i64>>(threads);
  for (let i = 0; i < threads; i++) futures[i] = g.spawn<i64, i64>(fn, pack(i, k));
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < threads; i++) sum += futures[i].get();
  return sum;
}

export function yieldStorm(threads: i32, k: i32): i64 {
  return storm(yielder, threads, k);
}

export function sleepStorm(threads: i32, k: i32): i64 {
  return storm(sleeper, threads, k);
}

/** Returns the guarded counter's increase, which is threads x k only if the lock excluded. */
export function lockStorm(threads: i32, k: i32): i64 {
  if (threads > MAX_SPINNERS) abort("lockStorm: at most 64 threads");
  resetSpinners(threads);
  const before = load<i64>(GUARDED);
  storm(locker, threads, k);
  return load<i64>(GUARDED) - before;
}

/** Returns the counters' increase (threads x k: atomic adds lose nothing). */
export function addStorm(threads: i32, k: i32, padded: i32): i64 {
  if (threads > MAX_SPINNERS) abort("addStorm: at most 64 threads");
  resetSpinners(threads);
  if (padded != 0) {
    let before: i64 = 0;
    for (let i = 0; i < threads; i++) before += atomic.load<i64>(OWN + <usize>i * LINE);
    storm(ownAdder, threads, k);
    let after: i64 = 0;
    for (let i = 0; i < threads; i++) after += atomic.load<i64>(OWN + <usize>i * LINE);
    return after - before;
  }
  const before = atomic.load<i64>(SHARED);
  storm(sharedAdder, threads, k);
  return atomic.load<i64>(SHARED) - before;
}

/** How many different workers the last lockStorm / addStorm's `threads` spinners ended on. */
export function spinnerWorkers(threads: i32): i32 {
  return distinctWorkers(threads);
}
