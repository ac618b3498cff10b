// A bounded work-stealing deque in shared memory: one per worker, so idle workers can take threads from busy ones.
// The owner works at the front: it pushes there what a run makes runnable and takes from there what it runs next,
// with stores to a word only it writes and no compare-and-swap (the owner's end of a Chase-Lev or Cilk THE deque;
// a pop retries under the lock only when a thief reached its entry). Thieves take the
// back half, the oldest work (the biggest subtrees of a tree of threads, as in Cilk), and the owner queues at the
// back what must wait behind the others (a yielding thread, a timer that fired); both hold the deque's back lock.
//
//  off  field
//    0  head   u32  index of the front entry; written only by the owner                      (layout: DEQUE_HEAD)
//    4  limit  u32  a tail no thief has lowered since the owner read it; owner only (room for front pushes;
//                   with one worker the tail itself serves)
//   64  tail   u32  index one past the back entry; written only with the back lock held      (layout: DEQUE_TAIL)
//   68  lock   u32  the back lock (memory/spinlock.ts)
//  128  ring   DEQUE_CAP entries (usize), entry i at ring[i & DEQUE_MASK]; written only by the owner
//
// tail - head (mod 2^32, as a signed number) is the length; zero or less is empty.
//
// Why the owner's end needs no lock. The deque this replaces kept head, tail and a tag in one word that everyone
// changed by CAS: every push changed the word a thief was about to CAS, so a thief that kept pace with a spawner
// failed tens of thousands of CASes per run and took the spawner's cache line each time (bench/README, "where
// spawn-flat's two-worker time goes"). Here a push at the front writes only the head, which no thief writes.
//
// The race for the front entry. The owner takes it by storing head + 1 and then reading the tail; a thief claims
// the back half by storing a lower tail and then reading the head. Wasm atomics are sequentially consistent, so at
// least one of them sees the other's store (Dekker): when the entry falls in the thief's range, either the owner
// sees the lowered tail (it restores the head and decides again under the lock, after the thief is done) or the
// thief sees the raised head (it restores the tail and claims less). A front push lowers the head: a thief that
// read the higher one only claims less. A thief reads the entries it claimed while it holds the lock, and the owner
// never overwrites them meanwhile: it writes only slots below the head, and counts its room from `limit`, a tail at
// least as high as any a thief holds, which it lowers only with the lock held.
//
// The owner's order. A run's pushes at the front come out newest first; `dequeReverseFront` puts them back in the
// order they were made when the run ends (scheduler/runqueue.ts). With a single worker nothing else touches the deque:
// the stores and the lock are plain (memory/sharing.ts). The items are opaque non-zero values (thread pointers).

import { DEQUE_HEAD, DEQUE_TAIL } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { publish, otherWorkers } from "../memory/sharing";

// @ts-ignore: decorator
@inline export const DEQUE_CAP: u32 = 512;
// @ts-ignore: decorator
@inline const DEQUE_MASK: u32 = DEQUE_CAP - 1;
// @ts-ignore: decorator
@inline const LIMIT: usize = DEQUE_HEAD + 4;
// @ts-ignore: decorator
@inline const LOCK: usize = DEQUE_TAIL + 4;
// @ts-ignore: decorator
@inline const DEQUE_RING: usize = 128;
/** Bytes a deque takes (place it 64-byte aligned: the head and the tail each have a cache line). */
// @ts-ignore: decorator
@inline export const DEQUE_SIZE: usize = DEQUE_RING + (<usize>DEQUE_CAP << alignof<usize>());

// @ts-ignore
if (DEQUE_TAIL - DEQUE_HEAD < 64 || DEQUE_RING < DEQUE_TAIL + 64) {
  ERROR("vthreads: the deque's head, tail and ring each need a cache line");
}

// @ts-ignore: decorator
@inline function slot(d: usize, i: u32): usize {
  return d + DEQUE_RING + (<usize>(i & DEQUE_MASK) << alignof<usize>());
}

// @ts-ignore: decorator
@inline function headOf(d: usize): u32 {
  return atomic.load<u32>(d + DEQUE_HEAD);
}

// @ts-ignore: decorator
@inline function tailOf(d: usize): u32 {
  return atomic.load<u32>(d + DEQUE_TAIL);
}

/** Entries from `h` to `t`: negative when a thief's claim passed the owner's front pushes (then it is empty). */
// @ts-ignore: decorator
@inline function span(h: u32, t: u32): i32 {
  return <i32>(t - h);
}

export function dequeInit(d: usize): void {
  memory.fill(d, 0, DEQUE_SIZE);
}

/** Owner, with the back lock held: the tail, which is also the new limit (no thief holds a lower one now). */
// @ts-ignore: decorator
@inline function lockedTail(d: usize): u32 {
  const t = tailOf(d);
  store<u32>(d + LIMIT, t);
  return t;
}

/** Owner only: the index the front may not wrap past: the limit, or with one worker (no thieves) the tail itself. */
// @ts-ignore: decorator
@inline function room(d: usize): u32 {
  return load<u32>(d + (otherWorkers() ? LIMIT : DEQUE_TAIL));
}

/** Owner only: puts x (non-zero) at the front. False when the ring is full (nothing changed). */
// @ts-ignore: decorator
@inline export function dequePushFront(d: usize, x: usize): bool {
  const h = load<u32>(d + DEQUE_HEAD);
  if (room(d) - h >= DEQUE_CAP && !roomAfterSteals(d, h)) return false;
  store<usize>(slot(d, h - 1), x);
  publish<u32>(d + DEQUE_HEAD, h - 1); // publishes the entry
  return true;
}

/** The limit says the ring is full: thieves may have made room since. Reads the tail with the lock held. */
function roomAfterSteals(d: usize, h: u32): bool {
  lock(d + LOCK);
  const t = lockedTail(d);
  unlock(d + LOCK);
  return t - h < DEQUE_CAP;
}

/** Owner only: puts x (non-zero) at the back, behind everything queued. False when the ring is full. */
export function dequePushBack(d: usize, x: usize): bool {
  lock(d + LOCK);
  const t = lockedTail(d);
  const h = load<u32>(d + DEQUE_HEAD);
  const full = span(h, t) >= <i32>DEQUE_CAP;
  if (!full) {
    store<usize>(slot(d, t), x);
    publish<u32>(d + DEQUE_TAIL, t + 1);
    store<u32>(d + LIMIT, t + 1);
  }
  unlock(d + LOCK);
  return !full;
}

/** Owner only: takes the front entry; 0 when empty. */
// @ts-ignore: decorator
@inline export function dequePop(d: usize): usize {
  const h = load<u32>(d + DEQUE_HEAD);
  if (!otherWorkers()) { // no thieves
    if (span(h, load<u32>(d + DEQUE_TAIL)) <= 0) return 0;
    store<u32>(d + DEQUE_HEAD, h + 1);
    return load<usize>(slot(d, h));
  }
  if (span(h, tailOf(d)) > 0) {
    const x = load<usize>(slot(d, h));
    atomic.store<u32>(d + DEQUE_HEAD, h + 1);
    if (span(h + 1, tailOf(d)) >= 0) return x; // no thief's claim reached h (see the top)
    atomic.store<u32>(d + DEQUE_HEAD, h);
  }
  return popLocked(d, h);
}

/**
 * The front entry, decided with the lock held: a thief lowered the tail to h or below while we took h, or the deque
 * looked empty (a thief that lowered the tail for a claim it then gives up would have made it look so).
 */
function popLocked(d: usize, h: u32): usize {
  lock(d + LOCK);
  let x: usize = 0;
  if (span(h, lockedTail(d)) > 0) {
    x = load<usize>(slot(d, h));
    publish<u32>(d + DEQUE_HEAD, h + 1);
  }
  unlock(d + LOCK);
  return x;
}

/**
 * Owner only: puts x at the back and takes the front entry, in one locked section (the yield path). Returns x itself
 * when the deque is empty (nothing changes), 0 when it is full (nothing changes: push and pop separately).
 */
export function dequeSwap(d: usize, x: usize): usize {
  const h = load<u32>(d + DEQUE_HEAD);
  if (!otherWorkers()) return swapAlone(d, h, x);
  if (span(h, tailOf(d)) <= 0) return x;
  lock(d + LOCK);
  const t = lockedTail(d);
  const n = span(h, t);
  let y: usize = x;
  if (n >= <i32>DEQUE_CAP) {
    y = 0;
  } else if (n > 0) { // thieves may have emptied it before we took the lock
    y = load<usize>(slot(d, h));
    store<usize>(slot(d, t), x);
    atomic.store<u32>(d + DEQUE_TAIL, t + 1);
    store<u32>(d + LIMIT, t + 1);
    atomic.store<u32>(d + DEQUE_HEAD, h + 1); // no thief can be between its claim and its check: we hold the lock
  }
  unlock(d + LOCK);
  return y;
}

/** `dequeSwap` with one worker: a yield is most of what a single worker's switches are, so it gets its own path. */
// @ts-ignore: decorator
@inline function swapAlone(d: usize, h: u32, x: usize): usize {
  const t = load<u32>(d + DEQUE_TAIL);
  const n = span(h, t);
  if (n <= 0) return x;
  if (n >= <i32>DEQUE_CAP) return 0;
  const y = load<usize>(slot(d, h));
  store<usize>(slot(d, t), x);
  store<u32>(d + DEQUE_TAIL, t + 1); // the limit is only read with other workers (`room`)
  store<u32>(d + DEQUE_HEAD, h + 1);
  return y;
}

/**
 * Owner only: the first `k` entries were pushed at the front by one run, newest first; puts them in the order they
 * were pushed (fewer when thieves took some: they take from the back, the run's oldest). Returns how many are now
 * in order at the front.
 */
export function dequeReverseFront(d: usize, k: u32): u32 {
  lock(d + LOCK); // a thief copying these entries must not see them half reversed
  const h = load<u32>(d + DEQUE_HEAD);
  const n = span(h, lockedTail(d));
  const m: u32 = n <= 0 ? 0 : k < <u32>n ? k : <u32>n;
  for (let i: u32 = 0; i < m >> 1; i++) {
    const a = slot(d, h + i), b = slot(d, h + m - 1 - i);
    const x = load<usize>(a);
    store<usize>(a, load<usize>(b));
    store<usize>(b, x);
  }
  unlock(d + LOCK);
  return m;
}

/**
 * Owner only: takes the entry `i` places behind the front (the `i` before it move back by one); 0 when there is
 * none. For fairness (scheduler/runqueue.ts), rarely: it holds the lock while it moves them.
 */
export function dequeTakeAt(d: usize, i: u32): usize {
  lock(d + LOCK);
  const h = load<u32>(d + DEQUE_HEAD);
  const n = span(h, lockedTail(d));
  let x: usize = 0;
  if (n > 0 && i < <u32>n) {
    x = load<usize>(slot(d, h + i));
    for (let j = i; j > 0; j--) store<usize>(slot(d, h + j), load<usize>(slot(d, h + j - 1)));
    publish<u32>(d + DEQUE_HEAD, h + 1); // no thief is between its claim and its check: we hold the lock
  }
  unlock(d + LOCK);
  return x;
}

/**
 * Owner only: the entry at index `i` (from `dequeHead`); 0 when there is none. It stays in the deque: a thief may
 * claim it at any moment and its record be freed, so it is only a hint (in Wasm, reading freed memory only reads a
 * stale value).
 */
export function dequePeekAt(d: usize, i: u32): usize {
  const h = load<u32>(d + DEQUE_HEAD);
  const n = span(h, tailOf(d));
  if (n <= 0 || i - h >= <u32>n) return 0; // not in [head, tail)
  return load<usize>(slot(d, i));
}

/** The head index (exact for the owner, whose pushes and pops alone move it). */
// @ts-ignore: decorator
@inline export function dequeHead(d: usize): u32 {
  return load<u32>(d + DEQUE_HEAD);
}

/** Entries in the deque (exact for the owner but for thieves at work, a snapshot for anyone else). */
export function dequeLength(d: usize): u32 {
  const n = span(headOf(d), tailOf(d));
  return n <= 0 ? 0 : n >= <i32>DEQUE_CAP ? DEQUE_CAP : <u32>n;
}

/**
 * Owner only, when the ring is full: claims the back half of the entries (the oldest) for the caller. Returns how
 * many were claimed (0 when thieves emptied it meanwhile); they are `dequeClaimed(d, i)` for i < count, in queue
 * order, valid until the owner's next push.
 */
export function dequeClaimBack(d: usize): u32 {
  lock(d + LOCK);
  const t = tailOf(d);
  const n = span(load<u32>(d + DEQUE_HEAD), t);
  const k: u32 = n <= 1 ? 0 : <u32>n >> 1;
  claimedFrom = t - k;
  publish<u32>(d + DEQUE_TAIL, t - k);
  store<u32>(d + LIMIT, t); // the claimed slots stay unwritten until the owner has read them
  unlock(d + LOCK);
  return k;
}

let claimedFrom: u32 = 0; // per worker (a Wasm global)

/** The i-th entry claimed by the last `dequeClaimBack` (only the owner writes the ring, and it has not pushed). */
export function dequeClaimed(d: usize, i: u32): usize {
  return load<usize>(slot(d, claimedFrom + i));
}

/**
 * Called by the owner of `mine` (which must be empty): takes the back half (rounded up) of `victim`'s entries.
 * Returns the first of them and puts the rest, in order, in `mine`; 0 when the victim had nothing to give.
 */
export function dequeSteal(victim: usize, mine: usize): usize {
  const mh = load<u32>(mine + DEQUE_HEAD);
  store<u32>(mine + LIMIT, mh); // ours is empty, and nobody lowers the tail of an empty deque: room for a whole ring
  lock(victim + LOCK);
  const t = tailOf(victim);
  let h = headOf(victim);
  let k: u32 = 0;
  while (true) {
    const n = span(h, t);
    if (n <= 0) break;
    k = <u32>n - (<u32>n >> 1);
    atomic.store<u32>(victim + DEQUE_TAIL, t - k);
    const now = headOf(victim);
    if (span(now, t - k) >= 0) break; // the owner's pops stay below our range: claimed
    atomic.store<u32>(victim + DEQUE_TAIL, t); // the owner took from our range: claim less, from its new head
    h = now;
    k = 0;
  }
  let first: usize = 0;
  if (k > 0) {
    first = load<usize>(slot(victim, t - k));
    for (let i: u32 = 1; i < k; i++) store<usize>(slot(mine, mh - k + i), load<usize>(slot(victim, t - k + i)));
  }
  unlock(victim + LOCK);
  if (k > 1) publish<u32>(mine + DEQUE_HEAD, mh - (k - 1));
  return first;
}
