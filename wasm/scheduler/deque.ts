// A bounded lock-free work-stealing queue in shared memory: one per worker, so idle workers can take threads from
// busy ones. Like Go's per-P run queue (runtime/proc.go: runqput, runqget, runqgrab) the owner appends at the tail
// and takes from the head, so a yielding thread goes behind the others; unlike it, the owner may also move its newest
// entries to the front (`dequeRotate`: the threads a run made runnable run next, scheduler/runqueue.ts), and thieves
// take from the tail, where the oldest of that work waits (the biggest subtrees of a tree of threads, as in Cilk).
//
//  off  field
//    0  head   u16, index of the first entry  }
//    2  tail   u16, index one past the last   } one u64 word, changed only by CAS of the whole word
//    4  tag    u32, +1 on every change        }
//   64  ring   DEQUE_CAP entries (usize), entry i at ring[i & DEQUE_MASK]; written only by the owner
//
// tail - head (mod 2^16) is the length. Keeping everything in one word lets the owner requeue the thread it just ran
// and take the first in ONE CAS (`dequeSwap`, the yield path), and makes every read of the length a consistent
// snapshot. Only the owner writes the ring, and only slots outside [head, tail) (at tail, or just before head when
// it rotates), so a taker that read entries inside [head, tail) of a word and then CASes that same word claims
// exactly what it read: the tag changes on every change of the word, so an equal word means nothing was taken or
// added in between (without it, a pop and a rotation would restore the same head and tail over a different entry).
// Takers never dereference what they read before the CAS succeeds (a thread record may be freed as soon as whoever
// claimed it has run it to completion).
//
// Memory order: Wasm atomics are sequentially consistent. The owner writes entries with plain stores and then
// publishes them with a seq-cst CAS; a taker loads the word (seq-cst) before it reads the entries, so it sees them
// (synchronizes-with). The items are opaque non-zero values (thread pointers in the scheduler).

import { DEQUE_WORD } from "../memory/layout";

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
    store<u64>(d + DEQUE_WORD, next);
    return w;
  }
  return atomic.cmpxchg<u64>(d + DEQUE_WORD, w, next);
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
@inline function pack(head: u32, tail: u32, tag: u32): u64 {
  return (<u64>tag << 32) | (<u64>(tail & 0xffff) << 16) | <u64>(head & 0xffff);
}

// @ts-ignore: decorator
@inline function headOf(w: u64): u32 {
  return <u32>w & 0xffff;
}

// @ts-ignore: decorator
@inline function tailOf(w: u64): u32 {
  return (<u32>w >> 16) & 0xffff;
}

// @ts-ignore: decorator
@inline function lengthOf(w: u64): u32 {
  return (tailOf(w) - headOf(w)) & 0xffff;
}

/** The word after a change to (head, tail): the tag moves on, so no taker holding the old word can succeed. */
// @ts-ignore: decorator
@inline function next(w: u64, head: u32, tail: u32): u64 {
  return pack(head, tail, <u32>(w >> 32) + 1);
}

export function dequeInit(d: usize): void {
  memory.fill(d, 0, DEQUE_SIZE);
  atomic.store<u64>(d + DEQUE_WORD, 0);
}

/** Owner only: appends x (non-zero). False when the ring is full (nothing changed). */
// @ts-ignore: decorator
@inline export function dequePush(d: usize, x: usize): bool {
  let w = atomic.load<u64>(d + DEQUE_WORD);
  while (true) {
    const h = headOf(w), t = tailOf(w); // a failed CAS means a taker moved head or tail
    if (lengthOf(w) >= DEQUE_CAP) return false;
    store<usize>(slot(d, t), x);
    const seen = update(d, w, next(w, h, t + 1)); // publishes the entry
    if (seen == w) return true;
    w = seen;
  }
}

/** Owner only: takes the first entry; 0 when empty. */
// @ts-ignore: decorator
@inline export function dequePop(d: usize): usize {
  let w = atomic.load<u64>(d + DEQUE_WORD);
  while (true) {
    const h = headOf(w), t = tailOf(w);
    if (h == t) return 0;
    const x = atomic.load<usize>(slot(d, h));
    const seen = update(d, w, next(w, h + 1, t));
    if (seen == w) return x;
    w = seen;
  }
}

/**
 * Owner only: appends x and takes the first entry, in one CAS. Returns x itself when the deque is empty (nothing
 * changes), 0 when it is full (nothing changes: push and pop separately).
 */
// @ts-ignore: decorator
@inline export function dequeSwap(d: usize, x: usize): usize {
  let w = atomic.load<u64>(d + DEQUE_WORD);
  while (true) {
    const h = headOf(w), t = tailOf(w);
    if (h == t) return x;
    if (lengthOf(w) >= DEQUE_CAP) return 0; // slot t would be slot h
    const y = atomic.load<usize>(slot(d, h));
    store<usize>(slot(d, t), x);
    const seen = update(d, w, next(w, h + 1, t + 1));
    if (seen == w) return y;
    w = seen;
  }
}

/**
 * Owner only: moves the last `k` entries, in their order, in front of the others (fewer when thieves have taken
 * some of them). Nothing changes when the ring has no room for the copies (length + k > DEQUE_CAP), or when they are
 * all there is. Returns how many moved.
 */
export function dequeRotate(d: usize, k: u32): u32 {
  let w = atomic.load<u64>(d + DEQUE_WORD);
  while (true) {
    const h = headOf(w), t = tailOf(w), n = lengthOf(w);
    const m = k < n ? k : n;
    if (m == 0 || m == n || n + m > DEQUE_CAP) return 0;
    // Slots h - m .. h - 1 are outside [h, t) (n + m <= DEQUE_CAP): no taker reads them until the CAS publishes them.
    for (let i: u32 = 0; i < m; i++) store<usize>(slot(d, h - m + i), load<usize>(slot(d, t - m + i)));
    const seen = update(d, w, next(w, h - m, t - m));
    if (seen == w) return m;
    w = seen;
  }
}

/**
 * Owner only: the entry at index `i` (from `dequeTail`), or the first when `i` is -1; 0 when there is none. It stays
 * in the deque: a taker may claim it at any moment and its record be freed, so it is only a hint (the one exception
 * to "never dereference before the claim": in Wasm, reading freed memory only reads a stale value).
 */
export function dequePeek(d: usize, i: i32): usize {
  const w = atomic.load<u64>(d + DEQUE_WORD);
  const h = headOf(w), t = tailOf(w);
  const at = i < 0 ? h : <u32>i;
  if (((at - h) & 0xffff) >= ((t - h) & 0xffff)) return 0; // not in [head, tail)
  return atomic.load<usize>(slot(d, at));
}

/** The tail index (exact for the owner, whose pushes alone raise it; thieves lower it). */
// @ts-ignore: decorator
@inline export function dequeTail(d: usize): u32 {
  return tailOf(atomic.load<u64>(d + DEQUE_WORD));
}

/** Entries in the deque (exact for the owner, a consistent but possibly stale snapshot for anyone else). */
export function dequeLength(d: usize): u32 {
  return lengthOf(atomic.load<u64>(d + DEQUE_WORD));
}

/**
 * Owner only, when the ring is full: claims the first half of the entries for the caller. Returns how many were
 * claimed (0 when takers emptied it meanwhile); they are `dequeClaimed(d, i)` for i < count, valid until the
 * owner's next push or rotation.
 */
export function dequeClaimHalf(d: usize): u32 {
  let w = atomic.load<u64>(d + DEQUE_WORD);
  while (true) {
    const h = headOf(w);
    const n = lengthOf(w) >> 1;
    if (n == 0) return 0;
    const seen = update(d, w, next(w, h + n, tailOf(w)));
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
 * Called by the owner of `mine` (which must be empty): takes the last half (rounded up) of `victim`'s entries.
 * Returns the first of them and publishes the rest, in order, in `mine`; 0 when the victim had nothing.
 */
export function dequeSteal(victim: usize, mine: usize): usize {
  const m = atomic.load<u64>(mine + DEQUE_WORD);
  const mt = tailOf(m);
  let w = atomic.load<u64>(victim + DEQUE_WORD);
  while (true) {
    const t = tailOf(w);
    let n = lengthOf(w);
    if (n == 0) return 0;
    n = n - (n >> 1);
    const from = t - n;
    // Copy all but the first candidate into our own ring from our tail on, where nobody reads them until we publish.
    // The copies are only claimed if the CAS succeeds; until then they are just numbers.
    const first = atomic.load<usize>(slot(victim, from));
    for (let i: u32 = 1; i < n; i++) store<usize>(slot(mine, mt + i - 1), atomic.load<usize>(slot(victim, from + i)));
    const seen = atomic.cmpxchg<u64>(victim + DEQUE_WORD, w, next(w, headOf(w), from));
    if (seen == w) {
      // Our deque is empty, so no taker succeeds on it (one holding an older word fails on the tag): a store will do.
      if (n > 1) atomic.store<u64>(mine + DEQUE_WORD, next(m, headOf(m), mt + n - 1));
      return first;
    }
    w = seen;
  }
}
