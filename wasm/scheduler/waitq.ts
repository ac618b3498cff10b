// Wait queues: how a virtual thread blocks on a runtime object (mutex, semaphore, channel, future, group...).
//
// A queue is two words {head, tail} inside the object that owns it, guarded by a spin lock of that object. A
// waiting thread is linked through its `next`/`prev` fields, so it can be taken out of the middle: that is what
// makes every wait cancellable. The thread also records which lock and queue it waits in; a canceller (any worker)
// sets the thread's cancel flag, then takes that lock and unlinks it. The waiter checks the flag after publishing
// where it waits, the canceller reads where it waits after setting the flag (both with sequentially consistent
// atomics), so one of them always sees the other: no cancellation is lost.

import { T_NEXT, T_WAIT_KIND, T_WAIT_OBJ, T_WAIT_LOCK, T_WAIT_QUEUE, T_WAKE, T_STATE, ST_RUNNING, W_NONE, isCancelled, markCancelled } from "./thread";
import { WAKE_NONE, WAKE_CANCELLED } from "../memory/layout";
import { qPush, qUnlink } from "./queue";
import { current } from "./local";
import { prepareToPark, park, unpark } from "./park";
import { lock, unlock, tryLock } from "../memory/spinlock";
import { removeTimerLocked } from "./timers";
import { publish } from "../memory/sharing";
import { claimSelect, SELECT_CANCELLED } from "./waiter";

/** The pseudo-queue of sleeping threads: the timer heap (scheduler/timers.ts), guarded by TIMER_LOCK. */
// @ts-ignore: decorator
@inline export const SLEEP_QUEUE: usize = 1;

/**
 * The pseudo-queue of a thread waiting in a select: its waitLock is the select's lock and its waitObj the select,
 * whose `done` word a canceller claims (scheduler/waiter.ts) instead of unlinking the thread.
 */
// @ts-ignore: decorator
@inline export const SELECT_QUEUE: usize = 2;

/**
 * Takes the first waiter out (the lock held) and records why it wakes; returns it, or 0 when the queue is empty.
 * The caller unparks it (after releasing the lock, or under it).
 */
export function qTake(q: usize, reason: i32): usize {
  const t = load<usize>(q);
  if (t == 0) return 0;
  qUnlink(q, t);
  forget(t, reason);
  return t;
}

/**
 * Takes every waiter out (the lock held), each woken for `reason`; returns them as a list through their `next`
 * links, for `unparkAll` once the lock is released.
 */
export function qTakeAll(q: usize, reason: i32): usize {
  let list: usize = 0;
  let w: usize;
  while ((w = qTake(q, reason)) != 0) {
    store<usize>(w, list, T_NEXT);
    list = w;
  }
  return list;
}

/** Wakes every thread of a `qTakeAll` list. */
export function unparkAll(list: usize): void {
  while (list != 0) {
    const next = load<usize>(list, T_NEXT); // read first: once woken, it may run elsewhere and reuse `next`
    unpark(list);
    list = next;
  }
}

/** The thread no longer waits anywhere (the lock held). */
// @ts-ignore: decorator
@inline function forget(t: usize, reason: i32): void {
  store<u8>(t, <u8>reason, T_WAKE);
  publish<usize>(t + T_WAIT_QUEUE, 0);
  publish<usize>(t + T_WAIT_LOCK, 0);
}

/**
 * Blocks the running thread in queue `q` of `obj` until woken. Call with the lock at `lockAddr` held; it is released.
 * Returns the WAKE_* reason. A thread that is already cancelled does not wait: WAKE_CANCELLED at once, unless the
 * wait is `shielded` (a join: a cancelled joiner must still wait for the children it cancelled); a shielded waiter
 * is still woken when cancelled, so it can pass the cancellation on.
 */
export function waitIn(lockAddr: usize, q: usize, kind: i32, obj: usize, shielded: bool = false): i32 {
  const t = current;
  recordWait(t, lockAddr, q, kind, obj);
  if (!queueRecorded(t, lockAddr, q, shielded)) return WAKE_CANCELLED;
  park();
  // `current` again rather than `t`: with nothing live across the park, Asyncify saves only this frame's call index.
  store<u8>(current, <u8>W_NONE, T_WAIT_KIND);
  return <i32>load<u8>(current, T_WAKE);
}

// The same wait in two calls, for a caller whose frame Asyncify should save small (Future.get, where threads park by
// the million) or free of values that are no references (sleep's deadline). With a parked thread's stack, Asyncify
// saves every local that a rewind reads again: the arguments of the call it parked in, and the condition of every
// `if` around a call that may suspend. `waitRecorded` takes no argument and its caller needs no `if` around it.

/**
 * Takes the lock at `lockAddr` and, while the i32 at `word` is `value`, records the running thread's wait in queue
 * `q` of `obj` and keeps the lock; otherwise releases it. Never parks: `waitRecorded` does.
 */
export function recordWaitWhile(lockAddr: usize, q: usize, kind: i32, obj: usize, word: usize, value: i32): void {
  lock(lockAddr);
  if (atomic.load<i32>(word) != value) {
    unlock(lockAddr);
    return;
  }
  recordWait(current, lockAddr, q, kind, obj);
}

/** Records the running thread's wait in queue `q` of `obj`, the lock at `lockAddr` held; `waitRecorded` parks. */
export function recordWaitLocked(lockAddr: usize, q: usize, kind: i32, obj: usize): void {
  recordWait(current, lockAddr, q, kind, obj);
}

/**
 * Waits as `recordWaitWhile` or `recordWaitLocked` recorded, if it did (a running thread's wait kind is W_NONE
 * otherwise), as `waitIn` does. Returns nothing: a caller that must know why it woke reads its T_WAKE (sleep), the
 * future, or its cancel flag.
 */
export function waitRecorded(): void {
  const t = current;
  if (<i32>load<u8>(t, T_WAIT_KIND) == W_NONE) return;
  if (!queueRecorded(t, load<usize>(t, T_WAIT_LOCK), load<usize>(t, T_WAIT_QUEUE), false)) return;
  park();
  store<u8>(current, <u8>W_NONE, T_WAIT_KIND);
}

/** The first part of a wait: what the thread waits on, published (the lock held). */
// @ts-ignore: decorator
@inline function recordWait(t: usize, lockAddr: usize, q: usize, kind: i32, obj: usize): void {
  prepareToPark();
  store<u8>(t, <u8>kind, T_WAIT_KIND);
  store<usize>(t, obj, T_WAIT_OBJ);
  store<u8>(t, <u8>WAKE_NONE, T_WAKE);
  publish<usize>(t + T_WAIT_QUEUE, q);
  publish<usize>(t + T_WAIT_LOCK, lockAddr); // then read the cancel word: the Dekker pair with cancelThread
}

/**
 * The second part: queue up and release the lock, the thread then parks. False when it is cancelled (and not
 * `shielded`): it is not queued, runs on, and its wake reason is WAKE_CANCELLED.
 */
// @ts-ignore: decorator
@inline function queueRecorded(t: usize, lockAddr: usize, q: usize, shielded: bool): bool {
  if (!shielded && isCancelled(t)) {
    if (q == SLEEP_QUEUE) removeTimerLocked(t);
    forget(t, WAKE_CANCELLED);
    store<u8>(t, <u8>W_NONE, T_WAIT_KIND);
    publish<i32>(t + T_STATE, ST_RUNNING);
    unlock(lockAddr);
    return false;
  }
  if (q != SLEEP_QUEUE) qPush(q, t); // a sleeper is already in the timer heap
  unlock(lockAddr);
  return true;
}

/**
 * Sets `t`'s cancel flag (unless it runs its cleanups, which are shielded) and, if it waits in a queue, takes it out and wakes it. `t` must stay allocated meanwhile
 * (the caller holds the lock of a list it is in). `heldLock` is a lock the caller already holds (0 for none).
 * Returns false when the queue's lock was busy: call again (the flag is set; the wake-up is what is missing).
 */
export function cancelThread(t: usize, heldLock: usize): bool {
  if (!markCancelled(t)) return true; // running its cleanups: shielded
  const l = atomic.load<usize>(t + T_WAIT_LOCK);
  if (l == 0) return true; // running, runnable, or being woken: it sees the flag at its next blocking call
  const mine = l == heldLock;
  if (!mine && !tryLock(l)) return false;
  let woke = false;
  if (atomic.load<usize>(t + T_WAIT_LOCK) == l) {
    const q = atomic.load<usize>(t + T_WAIT_QUEUE);
    if (q == 0) {
      // Being woken already, by a waker that does not hold this lock: a select's waitLock is the select's own lock,
      // and a channel operation that claimed the select (its `done` CAS) clears waitQueue and then waitLock under the
      // channel's lock (waiter.ts, `complete`). Unlinking or waking it here too would be a second wake-up, and
      // would overwrite the wake reason the claimer set (a send case woken as "closed").
    } else if (q == SELECT_QUEUE) {
      // The select is completed by whoever claims it first; if a channel or its timer did, it is already waking.
      woke = claimSelect(t, SELECT_CANCELLED);
    } else {
      if (q == SLEEP_QUEUE) removeTimerLocked(t);
      else qUnlink(q, t);
      woke = true;
    }
    if (woke) forget(t, WAKE_CANCELLED);
  }
  if (!mine) unlock(l);
  if (woke) unpark(t);
  return true;
}
