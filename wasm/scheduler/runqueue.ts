// Run queues. Each worker has its own FIFO (linked through the threads' `next` field, reached only by that worker,
// so it needs no atomics), and all workers share one global FIFO behind a spin lock.
//
// A thread made runnable goes to the local queue of the worker that made it runnable, unless some worker is asleep:
// then it goes to the global queue and one sleeper is woken, so idle workers get work. A worker takes from its own
// queue first, but looks at the global queue every GLOBAL_EVERY pops so nothing there starves, and when its own is
// empty. A worker that sees sleepers while it has more than one thread queued hands half of its queue over.
// (Per-worker queues with work stealing replace the hand-over when scaling matters.)

import { RUNQ_LOCK, RUNQ_HEAD, RUNQ_TAIL, RUNQ_LEN, WAKE_EPOCH, SLEEPERS, WS_LOCAL_RUNNABLE } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { T_NEXT } from "./thread";
import { stats } from "./local";

// @ts-ignore: decorator
@inline const GLOBAL_EVERY: u32 = 61;

// This worker's own queue (Wasm globals are per worker).
let localHead: usize = 0;
let localTail: usize = 0;
let localLength: i32 = 0;
let untilGlobal: u32 = GLOBAL_EVERY; // pops left before the next look at the global queue (no division on this path)

// @ts-ignore: decorator
@inline export function push(t: usize): void {
  if (atomic.load<i32>(SLEEPERS) > 0) {
    pushGlobal(t, t, 1);
    return;
  }
  store<usize>(t, 0, T_NEXT);
  if (localTail == 0) localHead = t;
  else store<usize>(localTail, t, T_NEXT);
  localTail = t;
  setLocalLength(localLength + 1);
}

// @ts-ignore: decorator
@inline export function pop(): usize {
  if (--untilGlobal == 0 || localHead == 0) {
    untilGlobal = GLOBAL_EVERY;
    const t = popGlobal();
    if (t != 0) return t;
  }
  const t = localHead;
  if (t == 0) return 0;
  localHead = load<usize>(t, T_NEXT);
  if (localHead == 0) localTail = 0;
  setLocalLength(localLength - 1);
  return t;
}

/** When other workers sleep and this one has a backlog, move half of it to the global queue (waking one). */
export function shareIfOthersIdle(): void {
  if (localLength < 2 || atomic.load<i32>(SLEEPERS) == 0) return;
  const keep = localLength - localLength / 2;
  let last = localHead;
  for (let i = 1; i < keep; i++) last = load<usize>(last, T_NEXT);
  const first = load<usize>(last, T_NEXT);
  store<usize>(last, 0, T_NEXT);
  const moved = localLength - keep;
  pushGlobal(first, localTail, moved);
  localTail = last;
  setLocalLength(keep);
}

function setLocalLength(n: i32): void {
  localLength = n;
  store<i32>(stats, n, WS_LOCAL_RUNNABLE);
}

/** Appends the linked threads first..last (`count` of them) to the global queue and wakes a sleeping worker. */
function pushGlobal(first: usize, last: usize, count: i32): void {
  store<usize>(last, 0, T_NEXT);
  lock(RUNQ_LOCK);
  const tail = load<usize>(RUNQ_TAIL);
  if (tail == 0) store<usize>(RUNQ_HEAD, first);
  else store<usize>(tail, first, T_NEXT);
  store<usize>(RUNQ_TAIL, last);
  atomic.add<i32>(RUNQ_LEN, count);
  unlock(RUNQ_LOCK);
  wakeIdleWorker();
}

function popGlobal(): usize {
  if (atomic.load<i32>(RUNQ_LEN) == 0) return 0; // cheap check without the lock
  lock(RUNQ_LOCK);
  const t = load<usize>(RUNQ_HEAD);
  if (t != 0) {
    const next = load<usize>(t, T_NEXT);
    store<usize>(RUNQ_HEAD, next);
    if (next == 0) store<usize>(RUNQ_TAIL, 0);
    atomic.sub<i32>(RUNQ_LEN, 1);
  }
  unlock(RUNQ_LOCK);
  return t;
}

/**
 * Wakes one sleeping worker, if any. Idle workers announce themselves in SLEEPERS, then re-check the global queue,
 * then wait on WAKE_EPOCH (host/workers/core.ts); with sequentially consistent atomics either they see this push or
 * we see them.
 */
function wakeIdleWorker(): void {
  if (atomic.load<i32>(SLEEPERS) > 0) {
    atomic.add<i32>(WAKE_EPOCH, 1);
    atomic.notify(WAKE_EPOCH, 1);
  }
}
