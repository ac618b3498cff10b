// The run queue: one FIFO of runnable threads shared by all workers, linked through the threads' `next` field and
// guarded by a spin lock. Any worker may pop any thread, which is what lets a parked thread resume elsewhere.
// (Per-worker queues with work stealing replace this when scaling matters.)

import { RUNQ_LOCK, RUNQ_HEAD, RUNQ_TAIL, RUNQ_LEN, WAKE_EPOCH, SLEEPERS } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { T_NEXT } from "./thread";

export function push(t: usize): void {
  store<usize>(t, 0, T_NEXT);
  lock(RUNQ_LOCK);
  const tail = load<usize>(RUNQ_TAIL);
  if (tail == 0) store<usize>(RUNQ_HEAD, t);
  else store<usize>(tail, t, T_NEXT);
  store<usize>(RUNQ_TAIL, t);
  atomic.add<i32>(RUNQ_LEN, 1);
  unlock(RUNQ_LOCK);
  wakeIdleWorker();
}

export function pop(): usize {
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

export function length(): i32 {
  return atomic.load<i32>(RUNQ_LEN);
}

/**
 * Wakes one sleeping worker, if any. Idle workers announce themselves in SLEEPERS, then re-check the queue, then
 * wait on WAKE_EPOCH (host/workers); with sequentially consistent atomics either they see this push or we see them.
 */
function wakeIdleWorker(): void {
  if (atomic.load<i32>(SLEEPERS) > 0) {
    atomic.add<i32>(WAKE_EPOCH, 1);
    atomic.notify(WAKE_EPOCH, 1);
  }
}
