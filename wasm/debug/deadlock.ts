// Deadlock detection, like Go's "all goroutines are asleep". When every live thread is blocked on the runtime's
// own primitives, nothing can ever wake them: no thread is runnable or running, no timer is pending, no host call
// is in flight. The root calls then fail with a deadlock error that carries the dump, instead of hanging.
//
// An idle worker asks `deadlockSuspected` before it sleeps; the host asks again a little later and only breaks the
// deadlock when the answer is still yes and no thread has run in between (host/workers/run-loop.ts).

import { T_STATE, T_SIB_NEXT, T_FLAGS, ST_PARKED, F_FAILED } from "../scheduler/thread";
import { cancelThread } from "../scheduler/waitq";
import { recordFailure } from "../scheduler/fail";
import { runnableCount } from "../scheduler/runqueue";
import { hasTimers } from "../scheduler/timers";
import { workerIndex } from "../scheduler/local";
import { ROOTS_LOCK, ROOTS_HEAD, HOST_CALLS_PENDING, DEADLOCK_CLAIM, WORKERS_BOOTED, WORKER_STATS, WS_IDLE, WS_SWITCHES,
         PIN_WAITS, MAX_WORKERS, WORKER_STATS_STRIDE, DUMP_TEXT } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { heapFree } from "../memory/heap";
import { liveThreads, writeDump, dumpedFailures } from "./dump";

/** True when threads are alive but none can make progress (this worker is about to idle). */
export function deadlockSuspected(): bool {
  if (liveThreads() <= 0 || runnableCount() != 0 || hasTimers()) return false;
  if (atomic.load<i32>(HOST_CALLS_PENDING) != 0) return false;
  const workers = atomic.load<u32>(WORKERS_BOOTED);
  for (let i: u32 = 0; i < workers; i++) {
    if (i != workerIndex && !workerIdle(i)) return false; // a pinned worker with a woken thread is not idle
  }
  return true;
}

/**
 * Like `deadlockSuspected`, for an idle pinned worker (driver/pin.ts): its own host calls (`ownHostCalls` of them)
 * cannot settle while it is pinned.
 */
export function pinnedWorkerStuck(ownHostCalls: i32): bool {
  if (liveThreads() <= 0 || runnableCount() != 0 || hasTimers()) return false;
  if (atomic.load<i32>(HOST_CALLS_PENDING) != ownHostCalls) return false; // another worker's call may settle
  const workers = atomic.load<u32>(WORKERS_BOOTED);
  for (let i: u32 = 0; i < workers && i < MAX_WORKERS; i++) {
    if (i != workerIndex && !workerIdle(i)) return false;
  }
  return true;
}

/**
 * Whether worker `i` waits for work, for the deadlock checks (here and debug/deadlock.ts): its host side says so
 * (WS_IDLE), and, if it is pinned, the thread its innermost pinned wait waits for has not been woken.
 *
 * A woken pinned thread is in no run queue: until its worker wakes up (which may take a while on a busy machine)
 * and resumes it, its state is the only sign of pending work. Without this check an idle worker that had just
 * woken it (a timer it fired, a future it completed) saw every worker idle and nothing runnable, and, as that
 * resume counted no switch, confirmed the "deadlock" while pins nested on another worker had work to do.
 * (A stale slot may name a thread that has resumed, even ended, since: a resume counts as a switch, so the
 * confirmation sees it.)
 */
export function workerIdle(i: u32): bool {
  if (atomic.load<i32>(WORKER_STATS + <usize>i * WORKER_STATS_STRIDE + WS_IDLE) == 0) return false;
  const t = atomic.load<usize>(PIN_WAITS + (<usize>i << alignof<usize>()));
  return t == 0 || atomic.load<i32>(t + T_STATE) == ST_PARKED;
}

export function totalSwitches(): i64 {
  let n: i64 = 0;
  const workers = atomic.load<u32>(WORKERS_BOOTED);
  for (let i: u32 = 0; i < workers && i < MAX_WORKERS; i++) n += load<i64>(WORKER_STATS + <usize>i * WORKER_STATS_STRIDE + WS_SWITCHES);
  return n;
}

// @ts-ignore: decorator
@lazy const HEADLINE = "deadlock: every live thread is blocked and nothing can wake them " +
  "(no runnable thread, no pending timer or host call)";

/** `breakDeadlock` did nothing: another worker is breaking the deadlock, or it no longer holds (it just did). */
// @ts-ignore: decorator
@inline export const NOT_BROKEN: i32 = -1;

/**
 * Fails every blocked root call with the deadlock error and the dump (after the text "\n@dump "). The roots wake,
 * cancel the groups they own, and end as failed. Returns how many root calls it failed (0: the deadlock holds but
 * no root call is blocked in it), or NOT_BROKEN. Two workers may confirm the same deadlock at once (an idle one and
 * a pinned one): the one that loses the claim must not take the deadlock as its own to break.
 */
export function breakDeadlock(): i32 {
  if (atomic.cmpxchg<i32>(DEADLOCK_CLAIM, 0, 1) != 0) return NOT_BROKEN;
  if (!deadlockSuspected()) { atomic.store<i32>(DEADLOCK_CLAIM, 0); return NOT_BROKEN; }
  const block = writeDump();
  let message = HEADLINE;
  // A thread that failed may be the one that would have sent, unlocked or set what the others wait for: name it.
  const failures = dumpedFailures();
  if (failures.length > 0) {
    message += failures.length == 1 ? "; a thread failed before, which may be why: " : "; threads failed before, which may be why: ";
    for (let i = 0; i < failures.length && i < 3; i++) message += (i > 0 ? "; " : "") + unchecked(failures[i]);
    if (failures.length > 3) message += "; and " + (failures.length - 3).toString() + " more (in the dump)";
  }
  if (block != 0) {
    message += "\n@dump " + String.UTF8.decodeUnsafe(block + DUMP_TEXT, load<u32>(block));
    heapFree(block);
  }
  let failed = 0;
  lock(ROOTS_LOCK);
  let t = load<usize>(ROOTS_HEAD);
  while (t != 0) {
    if (atomic.load<i32>(t + T_STATE) == ST_PARKED && !(load<u32>(t, T_FLAGS) & F_FAILED)) {
      recordFailure(t, message);
      while (!cancelThread(t, ROOTS_LOCK)) { /* its queue's lock is busy for a moment */ }
      failed++;
    }
    t = load<usize>(t, T_SIB_NEXT);
  }
  unlock(ROOTS_LOCK);
  atomic.store<i32>(DEADLOCK_CLAIM, 0);
  return failed;
}
