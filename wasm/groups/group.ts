// ThreadGroup: structured concurrency. A group owns the threads spawned into it; `join` waits for all of them.
//
// - A child that fails makes the group fail: the other children are cancelled, further spawns are refused, and
//   `join` fails the joining thread with every failure (the first one marked).
// - `cancel()` and deadlines (`cancelAfter`, `cancelAt`) cancel the children without failing the group.
// - `maxConcurrency` caps how many children run at once; spawns beyond it do not block the spawner: they wait in the
//   group's pending list, in spawn order, and start as running children end.
// - The thread that creates a group owns it: that thread does not end (its future does not complete) until the group
//   has no live children; if it ends by failure or cancellation, the group is cancelled first.
//
// Every change to the group's lists happens under its spin lock. Lock order: a group's lock, then the lock of a queue
// a child waits in (cancellation), or the registry's lock.
//
// Ends are batched per worker (with more than one worker: on one, nothing contends). A child of a group without a
// limit that ends normally does not take the group's lock when its worker goes on with another child of the same
// group: the worker keeps the record in a batch (one group at a time) and hands the batch over, unlinking and freeing
// the records and dropping `live` by their count (`flushEnds`), when ENDS_BATCH have ended, when the next thread it
// expects to run is not a sibling, before it runs a thread of another group, and before it goes idle. A spawner on
// one worker whose children end on another then meets them on the group's lock once per batch, not once per child
// (spawn-flat, issue 15). Nothing waits longer: `live` reaches 0 only when every child has ended, and a worker
// holding a batch runs another child of the same group next (which must end first anyway) or flushes. A joiner woken
// by the last end is woken during that child's run, so it runs next (run order). Until it is handed over, a batched
// record is still in `children` (state DONE: dumps skip it, cancelling it does nothing) and counted in `live`.

import { Closure, closureArg } from "../closure";
import { T_NEXT, T_SIB_NEXT, T_SIB_PREV, T_STATE, T_GROUP, C_OWNED, C_CTX, coldField, coldFieldAt, coldFieldIfAny, threadId, T_FLAGS, T_FUTURE,
         T_WAIT_KIND, T_WAIT_OBJ, T_WAIT_LOCK, T_WAIT_QUEUE, T_WAKE, ST_PENDING, ST_RUNNABLE, ST_PARKING, ST_RUNNING,
         F_FAILED, newThread, freeThread, freeThreadRecord, W_JOIN, W_EXIT, isCancelled, markCancelled } from "../scheduler/thread";
import { current } from "../scheduler/local";
import { waitIn, qTakeAll, unparkAll, cancelThread } from "../scheduler/waitq";
import { qPush } from "../scheduler/queue";
import { WAKE_GRANTED, WAKE_NONE, GROUP_LIVE, DEFAULT_GROUP } from "../memory/layout";
import { nextGroupId } from "../scheduler/ids";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { callKind } from "../scheduler/enter";
import { collectionPoint } from "../scheduler/api";
import { registerGroup, unregisterGroup } from "../scheduler/registry";
import { addGroupTimer, removeGroupTimer } from "../scheduler/timers";
import { now } from "../scheduler/clock";
import { lock, unlock } from "../memory/spinlock";
import { syncMemoryView } from "../memory/view";
import { Future } from "./future";
import { FutureBase, Failure } from "../scheduler/outcome";
import { toBits } from "../scheduler/bits";
import * as runqueue from "../scheduler/runqueue";
import { writeBarrier } from "../memory/gc";

// Group states (bits).
// @ts-ignore: decorator
@inline const G_FAILED: i32 = 1;
// @ts-ignore: decorator
@inline const G_CANCELLED: i32 = 2;
// @ts-ignore: decorator
@inline const G_TIMED_OUT: i32 = 4;
/** Joined: its work is over, spawns are refused. */
// @ts-ignore: decorator
@inline const G_CLOSED: i32 = 8;
/** In the registry's list of active groups (scheduler/registry.ts): it has live children and no owner. */
// @ts-ignore: decorator
@inline const G_LISTED: i32 = 16;

/** Ends a worker batches before it hands them to their group. */
// @ts-ignore: decorator
@inline const ENDS_BATCH: i32 = 32;

/** Failures listed by name in a join's message; the rest are counted. */
// @ts-ignore: decorator
@inline const FAILURES_LISTED: i32 = 10;

export class ThreadGroup {
  private lock: i32 = 0;
  /**
   * Children not yet finished (running, runnable, parked or pending). Written under the lock only (plain stores: the
   * lock's release orders them); read atomically outside it. At offset 4: the host reads it (docs/abi.md).
   */
  private live: i32 = 0;
  /** Children started and not yet finished; counted only under a limit. */
  private started: i32 = 0;
  private limit: i32 = 0;
  private flags: i32 = 0;
  /** Every unfinished child, through the threads' sibling links. */
  private children: usize = 0;
  /** Children waiting for a free slot under `limit`, oldest first, through the threads' `next` links. */
  private pendingHead: usize = 0;
  private pendingTail: usize = 0;
  /** Wait queue {head, tail} of joiners (and of the owner waiting for the group before it ends). */
  private joinHead: usize = 0;
  private joinTail: usize = 0;
  /** The thread that created the group, 0 when created outside any thread; and the next group it owns. */
  private owner: usize = 0;
  /** Typed, not an address: the collector must trace the owner's list (only its head is in the thread record). */
  private ownerNext: ThreadGroup | null = null;
  /** Links in the list of active groups (scheduler/registry.ts). */
  private activeNext: usize = 0;
  private activePrev: usize = 0;
  /** 1 + index in the timer heap while a deadline is pending. */
  private timer: u32 = 0;
  private joined: i32 = 0;
  private groupId: u32 = 0;
  private deadline: f64 = Infinity;
  private failureList: Array<Failure> | null = null;
  readonly name: string;

  /**
   * A group whose children run at most `maxConcurrency` at a time (0: no limit). `name` shows in dumps.
   * Created in a virtual thread, the group belongs to that thread (see above).
   */
  constructor(maxConcurrency: i32 = 0, name: string = "") {
    if (maxConcurrency < 0) {
      failCurrent("ThreadGroup: maxConcurrency must be 0 (no limit) or positive, got " + maxConcurrency.toString());
    }
    this.limit = maxConcurrency;
    this.name = name;
    this.groupId = nextGroupId();
    const t = current;
    if (t != 0) {
      const at = coldFieldAt(t, C_OWNED);
      if (at == 0) failCurrent("out of memory: cannot record the group in its thread");
      this.owner = t;
      this.ownerNext = changetype<ThreadGroup | null>(load<usize>(at));
      store<usize>(at, changetype<usize>(this));
    }
  }

  /**
   * Spawns `fn(arg)` as a virtual thread owned by this group and returns its future. The child starts with the
   * spawner's context variables. Fails the caller if the group has failed or was joined; returns an already
   * cancelled future if the group was cancelled. Never blocks, even at `maxConcurrency`; it only stops for a pending
   * garbage collection, and then runs again first.
   */
  spawn<A = Closure, R = void>(fn: (arg: A) => R, arg: A = changetype<A>(0)): Future<R> {
    arg = closureArg(fn, arg); // a capturing closure given alone is its own argument (wasm/closure.ts)
    const parent = current;
    if (parent != 0 && isCancelled(parent)) exitCancelled();
    const future = new Future<R>();
    const t = newThread(callKind<A, R>(), changetype<usize>(fn), toBits<A>(arg), changetype<usize>(this),
                        changetype<usize>(future), 0);
    if (t == 0) failCurrent("out of memory: cannot allocate a thread record");
    const ctx = parent != 0 ? coldField(parent, C_CTX) : 0;
    if (ctx != 0) {
      const at = coldFieldAt(t, C_CTX); // the child is not published yet: its spawner may write its cold part
      if (at == 0) {
        freeThread(t);
        failCurrent("out of memory: cannot give a thread its context");
      }
      store<usize>(at, ctx);
    }
    const self = changetype<usize>(this);
    lock(self);
    const refused = this.flags & (G_FAILED | G_CLOSED | G_CANCELLED);
    if (refused) {
      unlock(self);
      freeThread(t);
      if (refused & G_FAILED) {
        const first = (this.failureList as Array<Failure>)[0];
        failCurrent("spawn refused: the group has failed (thread " + first.thread.toString() + ": " + first.message + ")");
      }
      if (refused & G_CLOSED) failCurrent("spawn refused: the group was already joined");
      future.cancelNow(); // cancelled, not failed: the work is simply not done
      return future;
    }
    // A dump finds an owned group through its owner; one that no thread owns, through the registry.
    const live = this.live;
    this.live = live + 1; // under the lock: no atomic add (a locked instruction) per spawn
    if (live == 0 && this.owner == 0) {
      this.flags |= G_LISTED;
      registerGroup(self, offsetof<ThreadGroup>("activeNext"));
    }
    const head = this.children;
    store<usize>(t, head, T_SIB_NEXT);
    if (head != 0) store<usize>(head, t, T_SIB_PREV);
    this.children = t;
    const start = this.limit == 0 || this.started < this.limit;
    if (start) {
      if (this.limit != 0) this.started++;
    } else {
      store<i32>(t, ST_PENDING, T_STATE);
      store<usize>(t, 0, T_NEXT);
      if (this.pendingTail == 0) this.pendingHead = t;
      else store<usize>(this.pendingTail, t, T_NEXT);
      this.pendingTail = t;
    }
    unlock(self);
    if (start) runqueue.push(t);
    collectionPoint(); // a loop of spawns must not keep a pending collection waiting (scheduler/api.ts)
    return future;
  }

  /**
   * Blocks until every child has finished, then closes the group (later spawns are refused). Fails the caller with
   * every failure if a child failed. A cancelled caller cancels the group and still waits for the children to end
   * (they get to release what they hold), then ends as cancelled.
   */
  join(): void {
    if (!this.tryJoin()) failCurrent(this.failureSummary());
  }

  /**
   * Like `join`, but a child's failure does not fail the caller: returns false instead (the failures are in
   * `failures`). The way to handle a failed group without failing too.
   */
  tryJoin(): bool {
    requireThread("ThreadGroup.join");
    const t = current;
    const self = changetype<usize>(this);
    if (load<usize>(t, T_GROUP) == self) {
      failCurrent("ThreadGroup.join: thread " + threadId(t).toString() +
        " is a child of this group and would wait for itself");
    }
    lock(self);
    while (atomic.load<i32>(self + offsetof<ThreadGroup>("live")) != 0) {
      if (isCancelled(t) && !(this.flags & G_CANCELLED)) {
        unlock(self);
        cancelGroup(self, false);
        lock(self);
        continue;
      }
      // Shielded: a cancelled joiner keeps waiting here until the children it cancelled are gone.
      waitIn(self, self + offsetof<ThreadGroup>("joinHead"), W_JOIN, self, true);
      lock(self);
    }
    this.flags |= G_CLOSED;
    this.joined = 1;
    unlock(self);
    if (this.timer != 0) removeGroupTimer(self);
    if (this.owner == t) forgetOwned(t, self);
    syncMemoryView(); // what the children left may live in memory their workers have just grown
    if (isCancelled(t)) exitCancelled();
    return !(this.flags & G_FAILED);
  }

  /** Cancels every child (level-triggered: each blocking call they make ends them); pending children never start. */
  cancel(): void {
    cancelGroup(changetype<usize>(this), false);
  }

  /** Cancels the group `ms` milliseconds from now, unless it is joined before. */
  cancelAfter(ms: f64): void {
    if (!(ms >= 0)) failCurrent("ThreadGroup.cancelAfter: the delay must be a non-negative number of ms, got " + ms.toString());
    this.cancelAt(now() + ms);
  }

  /** Cancels the group at `deadline` (ms on the clock of `now()`), unless it is joined before. */
  cancelAt(deadline: f64): void {
    const self = changetype<usize>(this);
    if (this.timer != 0) removeGroupTimer(self);
    this.deadline = deadline;
    if (!addGroupTimer(deadline, self)) failCurrent("out of memory: cannot register the group's deadline");
  }

  /** Unique for the runtime's life; shown in dumps. */
  get id(): u32 { return this.groupId; }

  /** Children not yet finished (an ended child may be counted a little after its future completes: batched ends). */
  get running(): i32 {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<ThreadGroup>("live"));
  }

  get maxConcurrency(): i32 { return this.limit; }
  get failed(): bool { return (atomic.load<i32>(changetype<usize>(this) + offsetof<ThreadGroup>("flags")) & G_FAILED) != 0; }
  get cancelled(): bool { return (atomic.load<i32>(changetype<usize>(this) + offsetof<ThreadGroup>("flags")) & G_CANCELLED) != 0; }
  /** True when the deadline cancelled the group. */
  get timedOut(): bool { return (atomic.load<i32>(changetype<usize>(this) + offsetof<ThreadGroup>("flags")) & G_TIMED_OUT) != 0; }

  /** Every failure so far, in the order they happened (the first is the one that cancelled the rest). */
  get failures(): Failure[] {
    const self = changetype<usize>(this);
    lock(self);
    const list = this.failureList;
    const copy = list == null ? new Array<Failure>() : list.slice(0);
    unlock(self);
    return copy;
  }

  /** "thread N failed: msg" for one failure; "K threads failed: thread N failed: msg (first); ..." for more. */
  private failureSummary(): string {
    const list = this.failureList;
    if (list == null || list.length == 0) return "no failure";
    const first = list[0];
    if (list.length == 1) return "thread " + first.thread.toString() + " failed: " + first.message;
    let s = list.length.toString() + " threads failed: ";
    const n = list.length < FAILURES_LISTED ? list.length : FAILURES_LISTED;
    for (let i = 0; i < n; i++) {
      const f = list[i];
      if (i > 0) s += "; ";
      s += "thread " + f.thread.toString() + " failed: " + f.message;
      if (i == 0) s += " (first)";
    }
    if (list.length > n) s += "; and " + (list.length - n).toString() + " more";
    return s;
  }
}

function spinBriefly(): void {
  for (let i = 0; i < 64; i++) atomic.load<i32>(0);
}

/** Removes `g` from its owner's list of groups (the owner is the running thread). */
function forgetOwned(t: usize, g: usize): void {
  let at = coldFieldIfAny(t, C_OWNED);
  if (at == 0) return;
  while (true) {
    const x = load<usize>(at);
    if (x == 0) return;
    if (x == g) {
      const next = load<usize>(g + offsetof<ThreadGroup>("ownerNext"));
      writeBarrier(next); // `at` may be in a guest object (memory/gc.ts)
      store<usize>(at, next);
      return;
    }
    at = x + offsetof<ThreadGroup>("ownerNext");
  }
}

/**
 * Cancels the group's children. Pending children are started already cancelled (they end without running their
 * function, through the usual path). Safe from any worker, inside or outside a thread.
 */
export function cancelGroup(g: usize, timedOut: bool): void {
  const group = changetype<ThreadGroup>(g);
  lock(g);
  // @ts-ignore: private access from the runtime
  if (group.flags & G_CANCELLED) { unlock(g); return; }
  // @ts-ignore
  group.flags |= G_CANCELLED | (timedOut ? G_TIMED_OUT : 0);
  // @ts-ignore
  let pending = group.pendingHead;
  // @ts-ignore
  group.pendingHead = 0;
  // @ts-ignore
  group.pendingTail = 0;
  let p = pending;
  while (p != 0) {
    markCancelled(p); // pending: never shielded
    store<i32>(p, ST_RUNNABLE, T_STATE);
    // @ts-ignore
    group.started++;
    p = load<usize>(p, T_NEXT);
  }
  // Wake every started child; a child waiting in a queue whose lock is busy is retried (its flag is already set).
  while (true) {
    let missed = false;
    // @ts-ignore
    let c = group.children;
    while (c != 0) {
      if (!cancelThread(c, g)) missed = true;
      c = load<usize>(c, T_SIB_NEXT);
    }
    if (!missed) break;
    unlock(g);
    spinBriefly();
    lock(g);
  }
  unlock(g);
  while (pending != 0) {
    const next = load<usize>(pending, T_NEXT);
    runqueue.push(pending);
    pending = next;
  }
}

/** Called by the scheduler when a child of `g` finishes (thread `t`, its future already holding the outcome). */
/**
 * A child failed: its failure goes into the group before its future completes (driver/finish.ts), so that a
 * thread that sees the future done also sees the group failed (and a spawn into it refused), on any worker.
 */
export function childFailed(g: usize, t: usize): void {
  const group = changetype<ThreadGroup>(g);
  lock(g);
  // @ts-ignore
  if (group.failureList == null) group.failureList = new Array<Failure>();
  const failure = changetype<FutureBase>(load<usize>(t, T_FUTURE)).failure;
  // @ts-ignore
  if (failure != null) (group.failureList as Array<Failure>).push(failure);
  // @ts-ignore
  atomic.store<i32>(g + offsetof<ThreadGroup>("flags"), group.flags | G_FAILED);
  unlock(g);
}

export function childExited(g: usize, t: usize): void {
  const group = changetype<ThreadGroup>(g);
  const flags = load<u32>(t, T_FLAGS);
  const failed = (flags & F_FAILED) != 0;
  // @ts-ignore: private access from the runtime
  if (group.limit == 0 && !failed && runqueue.manyWorkers()) { // on one worker nothing contends: no batch
    batchEnd(g, t);
    return;
  }
  lock(g);
  unlinkChild(g, t);
  // Nothing reaches the record now: free it before `live` drops, so that whoever sees the group drained (a joiner,
  // and in the end the host, told that the root call settled) sees the heap without it.
  freeThreadRecord(t);
  let cancelSiblings = false;
  if (failed) { // the failure is already recorded (childFailed)
    // @ts-ignore
    cancelSiblings = (group.flags & G_CANCELLED) == 0;
  }
  // @ts-ignore
  if (group.limit != 0) group.started--;
  let startNext: usize = 0;
  // @ts-ignore
  if (group.pendingHead != 0 && !failed) {
    // @ts-ignore
    startNext = group.pendingHead;
    // @ts-ignore
    group.pendingHead = load<usize>(startNext, T_NEXT);
    // @ts-ignore
    if (group.pendingHead == 0) group.pendingTail = 0;
    store<i32>(startNext, ST_RUNNABLE, T_STATE);
    // @ts-ignore
    group.started++;
  }
  const joiners = dropLive(g, 1);
  unlock(g);
  if (startNext != 0) runqueue.push(startNext);
  unparkAll(joiners);
  if (cancelSiblings) cancelGroup(g, false);
}

// This worker's batch of ends (see the top): Wasm globals are per worker.
let endsGroup: usize = 0; // per worker: the group of the batched children, 0 when none is batched
let endsFirst: usize = 0; // per worker: their records, linked through T_NEXT
let endsCount: i32 = 0; // per worker

function batchEnd(g: usize, t: usize): void {
  if (endsGroup != g) flushEnds();
  endsGroup = g;
  store<usize>(t, endsFirst, T_NEXT); // a finished thread is in no queue: its link is free
  endsFirst = t;
  // Handed over at once unless this worker goes on with a sibling: then a joiner is woken during this run and runs
  // next (run order, scheduler/runqueue.ts); woken by a later flush, between runs, it would queue at the back.
  if (++endsCount >= ENDS_BATCH || !siblingNext(g)) flushEnds();
}

/** The thread this worker will likely run next is another child of `g`. */
function siblingNext(g: usize): bool {
  const next = runqueue.likelyNext();
  return next != 0 && load<usize>(next, T_GROUP) == g;
}

/**
 * Hands this worker's batch of ends to its group (see the top). The driver calls it before it idles: true when there
 * was a batch (it may have woken a joiner: look for work again).
 */
export function flushEnds(): bool {
  const g = endsGroup;
  if (g == 0) return false;
  let t = endsFirst;
  const n = endsCount;
  endsGroup = 0;
  endsFirst = 0;
  endsCount = 0;
  // The lock is held as briefly as possible: a spawner on another worker waits for it. So the records are freed
  // between unlinking them and dropping `live` (still before it drops: see childExited), without the lock.
  lock(g);
  for (let c = t; c != 0; c = load<usize>(c, T_NEXT)) unlinkChild(g, c);
  unlock(g);
  while (t != 0) {
    const next = load<usize>(t, T_NEXT);
    freeThreadRecord(t);
    t = next;
  }
  lock(g);
  const joiners = dropLive(g, n);
  unlock(g);
  unparkAll(joiners);
  return true;
}

/** Before this worker runs `t`: a batch of another group's ends is handed over first (see the top). */
// @ts-ignore: decorator
@inline export function flushEndsBefore(t: usize): void {
  if (endsGroup != 0 && load<usize>(t, T_GROUP) != endsGroup) flushEnds();
}

// @ts-ignore: decorator
@inline function unlinkChild(g: usize, t: usize): void {
  const next = load<usize>(t, T_SIB_NEXT), prev = load<usize>(t, T_SIB_PREV);
  if (prev == 0) store<usize>(g + offsetof<ThreadGroup>("children"), next);
  else store<usize>(prev, next, T_SIB_NEXT);
  if (next != 0) store<usize>(next, prev, T_SIB_PREV);
}

/**
 * `n` children have ended (the lock held). When they were the last: takes the joiners (each re-checks `live` under
 * the lock; woken by the caller once the lock is released) and takes the group off the registry's list.
 */
function dropLive(g: usize, n: i32): usize {
  const group = changetype<ThreadGroup>(g);
  // @ts-ignore: private access from the runtime
  const live = group.live - n;
  // @ts-ignore
  group.live = live;
  if (live != 0) return 0;
  const joiners = qTakeAll(g + offsetof<ThreadGroup>("joinHead"), WAKE_GRANTED);
  // @ts-ignore: private access from the runtime
  if (group.flags & G_LISTED) {
    // @ts-ignore
    group.flags &= ~G_LISTED;
    unregisterGroup(g, offsetof<ThreadGroup>("activeNext"));
  }
  // Only the host waits on a count (the default group's, at close): a notify is a call into the engine, which takes
  // a process-wide lock, too dear for every group that drains.
  if (g == atomic.load<usize>(DEFAULT_GROUP)) atomic.notify(g + offsetof<ThreadGroup>("live"));
  return joiners;
}

// @ts-ignore: decorator
@inline export const EXIT_DRAINED: i32 = 0;
// @ts-ignore: decorator
@inline export const EXIT_WAITING: i32 = 1;
// @ts-ignore: decorator
@inline export const EXIT_RETRY: i32 = 2;

/**
 * The exiting thread `t` (no longer on any stack) waits for group `g`, which it owns, to have no live children.
 * EXIT_DRAINED: it has none. EXIT_WAITING: `t` is queued as a joiner, PARKING; the caller hands it to `parked`.
 * EXIT_RETRY: `t` was cancelled meanwhile and the group is not cancelled yet: cancel it, then ask again.
 */
export function exitWaitFor(g: usize, t: usize): i32 {
  const group = changetype<ThreadGroup>(g);
  lock(g);
  if (atomic.load<i32>(g + offsetof<ThreadGroup>("live")) == 0) { unlock(g); return EXIT_DRAINED; }
  const q = g + offsetof<ThreadGroup>("joinHead");
  atomic.store<i32>(t + T_STATE, ST_PARKING);
  store<u8>(t, <u8>W_EXIT, T_WAIT_KIND);
  store<usize>(t, g, T_WAIT_OBJ);
  store<u8>(t, <u8>WAKE_NONE, T_WAKE);
  atomic.store<usize>(t + T_WAIT_QUEUE, q);
  atomic.store<usize>(t + T_WAIT_LOCK, g);
  // @ts-ignore: private access from the runtime
  if (isCancelled(t) && !(group.flags & G_CANCELLED)) {
    atomic.store<usize>(t + T_WAIT_QUEUE, 0);
    atomic.store<usize>(t + T_WAIT_LOCK, 0);
    atomic.store<i32>(t + T_STATE, ST_RUNNING);
    unlock(g);
    return EXIT_RETRY;
  }
  qPush(q, t);
  unlock(g);
  return EXIT_WAITING;
}

/** For the exit path: the next group `t` owns after `g`, and whether `g` failed without being joined. */
export function nextOwned(g: usize): usize {
  return load<usize>(g + offsetof<ThreadGroup>("ownerNext"));
}

export function unjoinedFailure(g: usize): string | null {
  const group = changetype<ThreadGroup>(g);
  // @ts-ignore
  if (group.joined != 0 || !(group.flags & G_FAILED)) return null;
  // @ts-ignore
  return group.failureSummary();
}

/** The owner has ended: the group no longer points at its record. */
export function disown(g: usize): void {
  store<usize>(g + offsetof<ThreadGroup>("owner"), 0);
}

/** Where the timer heap keeps 1 + the index of the group's deadline. */
/** Where the timer heap keeps 1 + the group's index in it (scheduler/timers.ts, through scheduler/hooks.ts). */
// @ts-ignore: decorator
@inline export const GROUP_TIMER_SLOT: usize = offsetof<ThreadGroup>("timer");

/** The group's deadline has passed (the timer heap's hook). */
export function groupDeadlinePassed(g: usize, now: f64): void {
  cancelGroup(g, true);
}

// The host reads a group's live count at GROUP_LIVE (the default group, at close).
// @ts-ignore
if (offsetof<ThreadGroup>("live") != GROUP_LIVE) ERROR("ThreadGroup.live must stay at GROUP_LIVE (memory/layout.ts)");
