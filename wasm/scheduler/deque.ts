// A bounded lock-free work-stealing queue in shared memory: one per worker, so idle workers can take threads from
// busy ones. The shape is Go's per-P run queue (runtime/proc.go: runqput, runqget, runqgrab), not a Chase-Lev deque:
// the owner appends at the tail, and the owner and the thieves all take from the head. The queue stays FIFO for its
// owner, so a yielding thread goes behind the others (a LIFO bottom would run it again at once).
//
//  off  field
//    0  head   u32, index of the oldest entry      } one u64 word, changed only by CAS of the whole word
//    4  tail   u32, index one past the newest entry }
//   64  ring   DEQUE_CAP entries (usize), entry i at ring[i & DEQUE_MASK]; written only by the owner
//
// head and tail count up forever (u32, wrapping); tail - head is the length. Keeping both in one word lets the owner
// requeue the thread it just ran and take the oldest in ONE CAS (`dequeSwap`, the yield path), and makes every
// read of the length a consistent snapshot. Only the owner writes the ring, and only at tail, when tail - head <
// DEQUE_CAP, so an entry is overwritten only after head has passed it. A taker reads the entry at h before its CAS
// of the word from (h, t): if that entry was overwritten meanwhile, head has moved and the CAS fails, so a
// successful CAS always claims the value that was read. Takers never dereference what they read before the CAS
// succeeds (a thread record may be freed as soon as whoever claimed it has run it to completion).
//
// Memory order: Wasm atomics are sequentially consistent. The owner writes an entry with a plain store and then
// publishes it with a seq-cst CAS that raises tail; a taker loads the word (seq-cst) before it reads the entry, so
// it sees the entry (synchronizes-with). The items are opaque non-zero values (thread pointers in the scheduler).

import { DEQUE_HEAD } from "../memory/layout";

/**
 * False when the runtime has a single worker: then nobody else ever touches this deque, and the owner's operations
 * use plain loads and stores instead of compare-exchanges (a yield then costs no atomic write at all). Set once at
 * boot from the worker count the host fixed when it started the runtime.
 */
let stealable: bool = true; // per worker

export function dequeSetStealable(v: bool): void {
  stealable = v;
}

/** Owner only: replaces the word (h, t) by `next`; with thieves about, only if nobody changed it meanwhile. */
// @ts-ignore: decorator
@inline function update(d: usize, w: u64, next: u64): u64 {
  if (!stealable) {
    store<u64>(d + DEQUE_HEAD, next);
    return w;
  }
  return atomic.cmpxchg<u64>(d + DEQUE_HEAD, w, next);
}

// @ts-ignore: decorator
@inline export const DEQUE_CAP: u32 = 512;
// @ts-ignore: decorator
@inline const DEQUE_MASK: u32 = DEQUE_CAP - 1;
// @ts-ignore: decorator
@inline const DEQUE_RING: usize = 64;
/** Bytes a deque takes (place it 64-byte aligned, so its indices have a cache line to themselves). */
// @ts-ignore: decorator
@inline export const DEQUE_SIZE: usize = DEQUE_RING + (<usize>DEQUE_CAP << alignof<usize>());

// @ts-ignore: decorator
@inline function slot(d: usize, i: u32): usize {
  return d + DEQUE_RING + (<usize>(i & DEQUE_MASK) << alignof<usize>());
}

// @ts-ignore: decorator
@inline function pack(head: u32, tail: u32): u64 {
  return (<u64>tail << 32) | <u64>head;
}

// @ts-ignore: decorator
@inline function headOf(w: u64): u32 {
  return <u32>w;
}

// @ts-ignore: decorator
@inline function tailOf(w: u64): u32 {
  return <u32>(w >> 32);
}

export function dequeInit(d: usize): void {
  memory.fill(d, 0, DEQUE_SIZE);
  atomic.store<u64>(d + DEQUE_HEAD, 0);
}

/** Owner only: appends x (non-zero). False when the ring is full (nothing changed). */
// @ts-ignore: decorator
@inline export function dequePush(d: usize, x: usize): bool {
  let w = atomic.load<u64>(d + DEQUE_HEAD);
  while (true) {
    const h = headOf(w), t = tailOf(w); // only we change tail: a failed CAS means head moved
    if (t - h >= DEQUE_CAP) return false;
    store<usize>(slot(d, t), x);
    const seen = update(d, w, pack(h, t + 1)); // publishes the entry
    if (seen == w) return true;
    w = seen;
  }
}

/** Owner only: takes the oldest entry; 0 when empty. */
// @ts-ignore: decorator
@inline export function dequePop(d: usize): usize {
  let w = atomic.load<u64>(d + DEQUE_HEAD);
  while (true) {
    const h = headOf(w), t = tailOf(w);
    if (h == t) return 0;
    const x = atomic.load<usize>(slot(d, h));
    const seen = update(d, w, pack(h + 1, t));
    if (seen == w) return x;
    w = seen;
  }
}

/**
 * Owner only: appends x and takes the oldest entry, in one CAS. Returns x itself when the deque is empty (nothing
 * changes), 0 when it is full (nothing changes: push and pop separately).
 */
// @ts-ignore: decorator
@inline export function dequeSwap(d: usize, x: usize): usize {
  let w = atomic.load<u64>(d + DEQUE_HEAD);
  while (true) {
    const h = headOf(w), t = tailOf(w);
    if (h == t) return x;
    if (t - h >= DEQUE_CAP) return 0; // slot t would be slot h
    const y = atomic.load<usize>(slot(d, h));
    store<usize>(slot(d, t), x);
    const seen = update(d, w, pack(h + 1, t + 1));
    if (seen == w) return y;
    w = seen;
  }
}

/** Entries in the deque (exact for the owner, a consistent but possibly stale snapshot for anyone else). */
export function dequeLength(d: usize): u32 {
  const w = atomic.load<u64>(d + DEQUE_HEAD);
  return tailOf(w) - headOf(w);
}

/**
 * Owner only, when the ring is full: claims the older half of the entries for the caller. Returns how many were
 * claimed (0 when takers emptied it meanwhile); they are `dequeClaimed(d, i)` for i < count, valid until the
 * owner's next push.
 */
export function dequeClaimHalf(d: usize): u32 {
  let w = atomic.load<u64>(d + DEQUE_HEAD);
  while (true) {
    const h = headOf(w), t = tailOf(w);
    const n = (t - h) >> 1;
    if (n == 0) return 0;
    const seen = update(d, w, pack(h + n, t));
    if (seen == w) {
      claimedFrom = h;
      return n;
    }
    w = seen;
  }
}

let claimedFrom: u32 = 0; // per worker (a Wasm global)

/** The i-th entry claimed by the last `dequeClaimHalf` (only the owner writes the ring, and it has not pushed). */
export function dequeClaimed(d: usize, i: u32): usize {
  return load<usize>(slot(d, claimedFrom + i));
}

/**
 * Called by the owner of `mine` (which must be empty): takes half (rounded up) of `victim`'s entries. Returns one
 * of them and publishes the rest in `mine`; 0 when the victim had nothing.
 */
export function dequeSteal(victim: usize, mine: usize): usize {
  const m = atomic.load<u64>(mine + DEQUE_HEAD);
  const mt = tailOf(m);
  let w = atomic.load<u64>(victim + DEQUE_HEAD);
  while (true) {
    const h = headOf(w), t = tailOf(w);
    let n = t - h;
    if (n == 0) return 0;
    n = n - (n >> 1);
    // Copy the candidates into our own ring beyond our tail, where nobody reads them until we publish. The copies
    // are only claimed if the CAS succeeds; until then they are just numbers.
    for (let i: u32 = 0; i < n; i++) store<usize>(slot(mine, mt + i), atomic.load<usize>(slot(victim, h + i)));
    const seen = atomic.cmpxchg<u64>(victim + DEQUE_HEAD, w, pack(h + n, t));
    if (seen == w) {
      const last = load<usize>(slot(mine, mt + n - 1));
      // Our deque is empty, so no taker CASes its word (and one holding an older snapshot fails): a store will do.
      if (n > 1) atomic.store<u64>(mine + DEQUE_HEAD, pack(headOf(m), mt + n - 1));
      return last;
    }
    w = seen;
  }
}
