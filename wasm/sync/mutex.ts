// Mutex<T>: a lock that encloses its value (as in Rust). The value is reachable only through the guard that
// `lock()` returns, and the guard checks on every access that the calling thread holds the lock.
//
// The state word is FREE, LOCKED, or CONTENDED (locked, and threads may be queued). Locking is one compare-and-swap
// when free. Unlocking a CONTENDED mutex hands it straight to the oldest waiter (FIFO, so no thread starves, and no
// newcomer barges in while others wait). A waiter is a parked virtual thread, never a blocked worker.
//
// A thread that ends while holding a mutex (it failed, or was cancelled inside the critical section) releases it
// through the held list (sync/held.ts) and poisons it: the next `lock()` fails, since the value may be half-updated.
// `lockEvenIfPoisoned()` is the way to look at it anyway and `clearPoison()` declares it consistent again.

import { current } from "../scheduler/local";
import { T_HELD, W_MUTEX, isCancelled, threadId } from "../scheduler/thread";
import { waitIn, qTake } from "../scheduler/waitq";
import { qEmpty } from "../scheduler/queue";
import { WAKE_GRANTED } from "../memory/layout";
import { unpark } from "../scheduler/park";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";
import { cas, publish } from "../memory/sharing";
import { writeBarrier } from "../memory/gc";

// @ts-ignore: decorator
@inline const FREE: i32 = 0;
// @ts-ignore: decorator
@inline const LOCKED: i32 = 1;
// @ts-ignore: decorator
@inline const CONTENDED: i32 = 2;

/** The part of every Mutex the runtime touches, whatever its value type. */
export class MutexCore {
  private state: i32 = FREE;
  private queueLock: i32 = 0;
  private waitHead: usize = 0;
  private waitTail: usize = 0;
  /** The holding thread's record, 0 when free. */
  private owner: usize = 0;
  /** Next mutex the owner holds (the owner's held list); typed, so the collector traces the list. */
  private heldNext: MutexCore | null = null;
  /** Id of the thread that ended while holding it, 0 when not poisoned. */
  private poisonedBy: u32 = 0;
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  /** True when a thread ended while holding the mutex and nobody has cleared that since. */
  get poisoned(): bool {
    return atomic.load<u32>(changetype<usize>(this) + offsetof<MutexCore>("poisonedBy")) != 0;
  }

  /** Id of the thread holding it (0 when free); for dumps and diagnostics, stale as soon as it is read. */
  get holder(): u32 {
    const o = atomic.load<usize>(changetype<usize>(this) + offsetof<MutexCore>("owner"));
    return o == 0 ? 0 : threadId(o);
  }

  /** Takes the lock, waiting as long as needed; ends the calling thread if it is cancelled. */
  // @ts-ignore: decorator
  @inline protected acquire(): void {
    const t = current;
    if (t == 0) requireThread("Mutex.lock");
    if (isCancelled(t)) exitCancelled();
    const self = changetype<usize>(this);
    if (cas<i32>(self, FREE, LOCKED) == FREE) {
      this.owner = t;
      this.heldNext = changetype<MutexCore | null>(load<usize>(t, T_HELD));
      store<usize>(t, self, T_HELD);
    } else {
      acquireSlow(self, t);
    }
  }

  /** Takes the lock if it is free right now. */
  protected tryAcquire(): bool {
    const t = current;
    if (t == 0) requireThread("Mutex.tryLock");
    const self = changetype<usize>(this);
    if (cas<i32>(self, FREE, LOCKED) != FREE) return false;
    this.owner = t;
    this.heldNext = changetype<MutexCore | null>(load<usize>(t, T_HELD));
    store<usize>(t, self, T_HELD);
    return true;
  }

  /** Releases the lock held by the calling thread. */
  // @ts-ignore: decorator
  @inline protected release(): void {
    const t = current;
    const self = changetype<usize>(this);
    if (this.owner != t || t == 0) notHolder(self, "unlock");
    // Off the held list: almost always its head (locks are released in reverse order).
    if (load<usize>(t, T_HELD) == self) store<usize>(t, changetype<usize>(this.heldNext), T_HELD);
    else unholdSlow(t, self);
    this.owner = 0;
    if (cas<i32>(self, LOCKED, FREE) != LOCKED) releaseSlow(self);
  }

  /** Fails the caller unless it holds the lock (every access to the value goes through here). */
  // @ts-ignore: decorator
  @inline protected checkHeld(what: string): void {
    const t = current;
    if (this.owner != t || t == 0) notHolder(changetype<usize>(this), what);
  }

  protected poisonCheck(): void {
    const by = this.poisonedBy;
    if (by != 0) {
      failCurrent("Mutex" + label(this.name) + " is poisoned: thread " + by.toString() +
        " ended while holding it (use lockEvenIfPoisoned() to recover the value)");
    }
  }

  protected clearPoisonFlag(): void {
    atomic.store<u32>(changetype<usize>(this) + offsetof<MutexCore>("poisonedBy"), 0);
  }
}

function label(name: string): string {
  return name.length == 0 ? "" : " \"" + name + "\"";
}

function notHolder(m: usize, what: string): void {
  const core = changetype<MutexCore>(m);
  const t = current;
  const who = t == 0 ? "code outside any virtual thread" : "thread " + threadId(t).toString();
  const holder = core.holder;
  failCurrent("Mutex" + label(core.name) + " " + what + ": " + who + " does not hold the lock (" +
    (holder == 0 ? "nobody does" : "thread " + holder.toString() + " does") + ")");
}

function acquireSlow(m: usize, t: usize): void {
  const core = changetype<MutexCore>(m);
  // @ts-ignore: private access from the runtime
  if (atomic.load<usize>(m + offsetof<MutexCore>("owner")) == t) {
    failCurrent("Mutex" + label(core.name) + " lock: thread " + threadId(t).toString() +
      " already holds it (locking it again would wait forever)");
  }
  const queueLock = m + offsetof<MutexCore>("queueLock");
  lock(queueLock);
  while (true) {
    const s = atomic.load<i32>(m);
    if (s == FREE) {
      if (atomic.cmpxchg<i32>(m, FREE, LOCKED) != FREE) continue;
      unlock(queueLock);
      hold(m, t);
      return;
    }
    if (s == LOCKED && atomic.cmpxchg<i32>(m, LOCKED, CONTENDED) != LOCKED) continue;
    // CONTENDED: queue up. The releaser hands the lock over (owner and held list set) before waking us.
    if (waitIn(queueLock, m + offsetof<MutexCore>("waitHead"), W_MUTEX, m) != WAKE_GRANTED) exitCancelled();
    return;
  }
}

function hold(m: usize, t: usize): void {
  store<usize>(m + offsetof<MutexCore>("owner"), t);
  const next = load<usize>(t, T_HELD);
  writeBarrier(next); // a reference stored into a guest object (memory/gc.ts)
  store<usize>(m + offsetof<MutexCore>("heldNext"), next);
  store<usize>(t, m, T_HELD);
}

function unholdSlow(t: usize, m: usize): void {
  let at = t + T_HELD;
  while (true) {
    const x = load<usize>(at);
    if (x == 0) return;
    if (x == m) {
      const next = load<usize>(m + offsetof<MutexCore>("heldNext"));
      writeBarrier(next); // `at` may be in a guest object
      store<usize>(at, next);
      return;
    }
    at = x + offsetof<MutexCore>("heldNext");
  }
}

/** The lock is CONTENDED: hand it to the oldest waiter, or free it when none is left (waiters may have been cancelled). */
function releaseSlow(m: usize): void {
  const queueLock = m + offsetof<MutexCore>("queueLock");
  const q = m + offsetof<MutexCore>("waitHead");
  lock(queueLock);
  const w = qTake(q, WAKE_GRANTED);
  if (w == 0) {
    atomic.store<i32>(m, FREE);
  } else {
    hold(m, w);
    if (qEmpty(q)) atomic.store<i32>(m, LOCKED);
  }
  unlock(queueLock);
  if (w != 0) unpark(w);
}

/** Releases a mutex held by a thread that ended (its held list, sync/held.ts); poisons it when the end was abnormal. */
export function releaseForDeadHolder(m: usize, holderId: u32, poison: bool): usize {
  const next = load<usize>(m + offsetof<MutexCore>("heldNext"));
  if (poison) atomic.cmpxchg<u32>(m + offsetof<MutexCore>("poisonedBy"), 0, holderId);
  store<usize>(m + offsetof<MutexCore>("owner"), 0);
  if (atomic.cmpxchg<i32>(m, LOCKED, FREE) != LOCKED) releaseSlow(m);
  return next;
}

export class Mutex<T> extends MutexCore {
  protected inner: T;

  constructor(value: T, name: string = "") {
    super(name);
    this.inner = value;
  }

  /**
   * Waits for the lock and returns the guard through which the value is reached. Fails the caller if the mutex is
   * poisoned (the lock is released again as the caller ends); ends a cancelled caller.
   */
  // @ts-ignore: decorator
  @inline lock(): MutexGuard<T> {
    this.acquire();
    if (this.poisoned) this.poisonCheck();
    return changetype<MutexGuard<T>>(this);
  }

  /** Like `lock`, but returns null at once when the lock is taken. */
  tryLock(): MutexGuard<T> | null {
    if (!this.tryAcquire()) return null;
    if (this.poisoned) this.poisonCheck();
    return changetype<MutexGuard<T>>(this);
  }

  /** Like `lock`, also when poisoned: the guard's `wasPoisoned` says so, and `clearPoison()` ends the poisoning. */
  lockEvenIfPoisoned(): MutexGuard<T> {
    this.acquire();
    return changetype<MutexGuard<T>>(this);
  }
}

/**
 * What `lock()` returns: the way to the value while the lock is held. (It is the mutex object itself seen through
 * another type, so locking allocates nothing.) Every access checks that the calling thread still holds the lock.
 */
export class MutexGuard<T> extends Mutex<T> {
  // @ts-ignore: decorator
  @inline get value(): T {
    this.checkHeld("value");
    return this.inner;
  }

  // @ts-ignore: decorator
  @inline set value(v: T) {
    this.checkHeld("value");
    this.inner = v;
  }

  get wasPoisoned(): bool {
    return this.poisoned;
  }

  clearPoison(): void {
    this.checkHeld("clearPoison");
    this.clearPoisonFlag();
  }

  // @ts-ignore: decorator
  @inline unlock(): void {
    this.release();
  }
}
