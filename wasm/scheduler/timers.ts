// Sleeping threads: a binary min-heap of {deadline, thread} in shared memory, guarded by a spin lock.
// Whichever worker passes a scheduling point after a deadline wakes the thread; an idle worker sleeps only until
// the earliest deadline (host/workers asks `nextDeadline`).

import { TIMER_LOCK, TIMER_HEAP, TIMER_LEN, TIMER_CAP } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { heapAlloc, heapRealloc } from "../memory/heap";
import { unpark } from "./park";

// @ts-ignore: decorator
@inline const ENTRY: usize = 16; // deadline f64, thread usize, sequence u32

// @ts-ignore: decorator
@inline function entryAt(heap: usize, i: usize): usize { return heap + i * ENTRY; }

/** Earlier deadline first; equal deadlines in insertion order. */
function before(a: usize, b: usize): bool {
  const da = load<f64>(a), db = load<f64>(b);
  return da < db || (da == db && <i32>(load<u32>(a, 12) - load<u32>(b, 12)) < 0);
}

function swap(a: usize, b: usize): void {
  const d = load<f64>(a), t = load<u64>(a, 8);
  store<f64>(a, load<f64>(b));
  store<u64>(a, load<u64>(b, 8), 8);
  store<f64>(b, d);
  store<u64>(b, t, 8);
}

let sequence: u32 = 0; // per worker; only orders equal deadlines, so it need not be shared

/** Registers `t` (already PARKING) to be woken at `deadline`; false when out of memory. */
export function addTimer(deadline: f64, t: usize): bool {
  lock(TIMER_LOCK);
  let heap = load<usize>(TIMER_HEAP);
  const len = load<usize>(TIMER_LEN);
  if (len == load<usize>(TIMER_CAP)) {
    const cap = len < 64 ? 64 : len * 2;
    heap = heap == 0 ? heapAlloc(cap * ENTRY) : heapRealloc(heap, cap * ENTRY);
    if (heap == 0) { unlock(TIMER_LOCK); return false; }
    store<usize>(TIMER_HEAP, heap);
    store<usize>(TIMER_CAP, cap);
  }
  let i = len;
  const e = entryAt(heap, i);
  store<f64>(e, deadline);
  store<usize>(e, t, 8);
  store<u32>(e, ++sequence, 12);
  while (i > 0) { // sift up
    const parent = (i - 1) >> 1;
    if (!before(entryAt(heap, i), entryAt(heap, parent))) break;
    swap(entryAt(heap, i), entryAt(heap, parent));
    i = parent;
  }
  atomic.store<usize>(TIMER_LEN, len + 1);
  unlock(TIMER_LOCK);
  return true;
}

function popTop(heap: usize, len: usize): void {
  const last = len - 1;
  if (last > 0) swap(entryAt(heap, 0), entryAt(heap, last));
  let i: usize = 0;
  while (true) { // sift down
    const l: usize = 2 * i + 1, r: usize = l + 1;
    let m = i;
    if (l < last && before(entryAt(heap, l), entryAt(heap, m))) m = l;
    if (r < last && before(entryAt(heap, r), entryAt(heap, m))) m = r;
    if (m == i) break;
    swap(entryAt(heap, i), entryAt(heap, m));
    i = m;
  }
  atomic.store<usize>(TIMER_LEN, last);
}

export function hasTimers(): bool {
  return atomic.load<usize>(TIMER_LEN) != 0;
}

/** Wakes every thread whose deadline is at or before `now`; returns how many. */
export function fireDue(now: f64): i32 {
  let fired = 0;
  while (true) {
    lock(TIMER_LOCK);
    const len = load<usize>(TIMER_LEN);
    const heap = load<usize>(TIMER_HEAP);
    if (len == 0 || load<f64>(heap) > now) { unlock(TIMER_LOCK); return fired; }
    const t = load<usize>(heap, 8);
    popTop(heap, len);
    unlock(TIMER_LOCK);
    unpark(t);
    fired++;
  }
}

/** The earliest deadline, or +Infinity when nothing sleeps. */
export function nextDeadline(): f64 {
  if (!hasTimers()) return Infinity;
  lock(TIMER_LOCK);
  const d = load<usize>(TIMER_LEN) == 0 ? Infinity : load<f64>(load<usize>(TIMER_HEAP));
  unlock(TIMER_LOCK);
  return d;
}
