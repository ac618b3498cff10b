// Semaphore: a pool of permits, the runtime's concurrency limiter. Permits belong to the thread that acquired them:
// only that thread may release them, and if it ends (fails or is cancelled) with permits in hand, they go back to
// the pool (sync/held.ts). So an interrupted thread can never leak a permit.
//
// Waiters queue in FIFO order and are served strictly in that order: a large request at the head is not overtaken
// by smaller ones behind it (no starvation). A releaser hands permits straight to the waiters it can satisfy.

import { current } from "../scheduler/local";
import { C_PERMITS, coldField, coldFieldAt, coldFieldIfAny, T_SLOT, T_NEXT, threadId, W_SEMAPHORE, isCancelled } from "../scheduler/thread";
import { waitIn, qTake } from "../scheduler/waitq";
import { qEmpty } from "../scheduler/queue";
import { WAKE_GRANTED } from "../memory/layout";
import { unpark } from "../scheduler/park";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";
import { heapAlloc, heapFree } from "../memory/heap";

// A record of permits a thread holds: {semaphore, count, next} in a small block of its own.
// @ts-ignore: decorator
@inline const P_SEM: usize = 0;
// @ts-ignore: decorator
@inline const P_COUNT: usize = 4;
// @ts-ignore: decorator
@inline const P_NEXT: usize = 8;

export class Semaphore {
  private lock: i32 = 0;
  private permits: i32;
  private waitHead: usize = 0;
  private waitTail: usize = 0;
  readonly capacity: i32;
  readonly name: string;

  /** A semaphore with `permits` permits (at least 1). */
  constructor(permits: i32, name: string = "") {
    if (permits < 1) failCurrent("Semaphore: needs at least 1 permit, got " + permits.toString());
    this.permits = permits;
    this.capacity = permits;
    this.name = name;
  }

  /** Permits free right now. */
  get available(): i32 {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<Semaphore>("permits"));
  }

  /** Waits until `n` permits are free and takes them; ends a cancelled caller. */
  acquire(n: i32 = 1): void {
    const t = current;
    if (t == 0) requireThread("Semaphore.acquire");
    this.checkCount(n, "acquire");
    if (isCancelled(t)) exitCancelled();
    const self = changetype<usize>(this);
    const permitsAt = self + offsetof<Semaphore>("permits");
    // Fast path: nobody queued and enough permits.
    if (qEmpty(self + offsetof<Semaphore>("waitHead"))) {
      const p = atomic.load<i32>(permitsAt);
      if (p >= n && atomic.cmpxchg<i32>(permitsAt, p, p - n) == p) { this.record(t, n); return; }
    }
    lock(self);
    if (qEmpty(self + offsetof<Semaphore>("waitHead")) && takePermits(permitsAt, n)) {
      unlock(self);
      this.record(t, n);
      return;
    }
    store<u64>(t, <u64>n, T_SLOT); // what we wait for; the releaser reads it
    if (waitIn(self, self + offsetof<Semaphore>("waitHead"), W_SEMAPHORE, self) != WAKE_GRANTED) exitCancelled();
    this.record(t, n); // the permits were handed to us
  }

  /** Takes `n` permits if they are free right now (and nobody is queued before us). */
  tryAcquire(n: i32 = 1): bool {
    const t = current;
    if (t == 0) requireThread("Semaphore.tryAcquire");
    this.checkCount(n, "tryAcquire");
    const self = changetype<usize>(this);
    lock(self);
    const ok = qEmpty(self + offsetof<Semaphore>("waitHead")) && takePermits(self + offsetof<Semaphore>("permits"), n);
    unlock(self);
    if (ok) this.record(t, n);
    return ok;
  }

  /** Gives back `n` permits the calling thread holds. */
  release(n: i32 = 1): void {
    const t = current;
    if (t == 0) requireThread("Semaphore.release");
    this.checkCount(n, "release");
    const self = changetype<usize>(this);
    let at = coldFieldIfAny(t, C_PERMITS);
    while (true) {
      const rec = at == 0 ? 0 : load<usize>(at);
      if (rec == 0 || (load<usize>(rec, P_SEM) == self && load<i32>(rec, P_COUNT) < n)) {
        failCurrent("Semaphore" + label(this.name) + " release: thread " + threadId(t).toString() +
          " holds " + (rec == 0 ? "none" : "only " + load<i32>(rec, P_COUNT).toString()) + " of its permits, cannot release " +
          n.toString());
      }
      if (load<usize>(rec, P_SEM) == self) {
        const left = load<i32>(rec, P_COUNT) - n;
        if (left == 0) { store<usize>(at, load<usize>(rec, P_NEXT)); heapFree(rec); }
        else store<i32>(rec, left, P_COUNT);
        break;
      }
      at = rec + P_NEXT;
    }
    givePermits(self, n);
  }

  private checkCount(n: i32, what: string): void {
    if (n < 1 || n > this.capacity) {
      failCurrent("Semaphore" + label(this.name) + " " + what + ": asked for " + n.toString() + " permits; it has " +
        this.capacity.toString() + " in all");
    }
  }

  /** Notes that `t` holds `n` more permits of this semaphore. */
  private record(t: usize, n: i32): void {
    const self = changetype<usize>(this);
    let rec = coldField(t, C_PERMITS);
    while (rec != 0) {
      if (load<usize>(rec, P_SEM) == self) { store<i32>(rec, load<i32>(rec, P_COUNT) + n, P_COUNT); return; }
      rec = load<usize>(rec, P_NEXT);
    }
    const at = coldFieldAt(t, C_PERMITS);
    rec = at == 0 ? 0 : heapAlloc(12);
    if (rec == 0) {
      givePermits(self, n);
      failCurrent("out of memory: cannot record the permits a thread holds");
    }
    store<usize>(rec, self, P_SEM);
    store<i32>(rec, n, P_COUNT);
    store<usize>(rec, load<usize>(at), P_NEXT);
    store<usize>(at, rec);
  }
}

function label(name: string): string {
  return name.length == 0 ? "" : " \"" + name + "\"";
}

/**
 * Takes `n` permits if that many are free. A compare-and-swap, because the fast path of `acquire` takes permits
 * without the lock: the count never goes below zero, whoever wins.
 */
function takePermits(permitsAt: usize, n: i32): bool {
  while (true) {
    const p = atomic.load<i32>(permitsAt);
    if (p < n) return false;
    if (atomic.cmpxchg<i32>(permitsAt, p, p - n) == p) return true;
  }
}

/** Returns `n` permits to the pool, handing them to the waiters at the head of the queue that they satisfy. */
function givePermits(s: usize, n: i32): void {
  const permitsAt = s + offsetof<Semaphore>("permits");
  const q = s + offsetof<Semaphore>("waitHead");
  lock(s);
  atomic.add<i32>(permitsAt, n);
  let woken: usize = 0;
  while (!qEmpty(q)) {
    const need = <i32>load<u64>(load<usize>(q), T_SLOT);
    if (!takePermits(permitsAt, need)) break;
    const w = qTake(q, WAKE_GRANTED);
    store<usize>(w, woken, T_NEXT);
    woken = w;
  }
  unlock(s);
  while (woken != 0) {
    const next = load<usize>(woken, T_NEXT);
    unpark(woken);
    woken = next;
  }
}

/** Gives back every permit an ended thread held (sync/held.ts). */
export function releaseAllPermits(t: usize): void {
  const at = coldFieldIfAny(t, C_PERMITS);
  if (at == 0) return;
  let rec = load<usize>(at);
  store<usize>(at, 0);
  while (rec != 0) {
    const next = load<usize>(rec, P_NEXT);
    givePermits(load<usize>(rec, P_SEM), load<i32>(rec, P_COUNT));
    heapFree(rec);
    rec = next;
  }
}
