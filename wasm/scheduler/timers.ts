// Timers: a binary min-heap of {deadline, target} in shared memory, guarded by a spin lock. A target is a sleeping
// thread, or (low bit set) a ThreadGroup whose deadline cancels it. Each target records its index in the heap, so a
// cancelled sleeper or a group that finished early is taken out at once instead of firing later.
// Whichever worker passes a scheduling point after a deadline fires it; an idle worker sleeps only until the
// earliest deadline (host/workers asks `nextDeadline`).

import { TIMER_LOCK, TIMER_HEAP, TIMER_LEN, TIMER_CAP, WAKE_GRANTED } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { heapAlloc, heapFree, heapCapacity, setScanTail } from "../memory/heap";
import { T_TIMER, T_WAKE, T_WAIT_LOCK, T_WAIT_QUEUE, T_WAIT_OBJ, T_WAIT_KIND, W_SELECT } from "./thread";
import { claimSelect, S_TIMEOUT_CASE } from "./waiter";
import { unpark } from "./park";
import { groupTimerSlot, groupDeadlinePassed, timerChannelSlot, timerChannelFired } from "./hooks";

// The heap is one raw block: its first word holds where the targets begin, then cap keys {deadline f64, sequence
// u32} and, at the block's end, cap targets. The collector scans only the targets (setScanTail): they keep groups
// and timer channels alive. The keys are not references and must not be read as such: a deadline is an f64 clock
// reading whose low word sweeps every address once per 2^20 ms, so for seconds at a time each deadline would keep
// whatever it happened to point into. A target slot past the heap's length is 0 (nothing stale is scanned).

// @ts-ignore: decorator
@inline const KEYS: usize = 8;
// @ts-ignore: decorator
@inline const KEY: usize = 16; // deadline f64, sequence u32, unused u32
/** Low bit of a target: it is a group, not a thread. */
// @ts-ignore: decorator
@inline export const GROUP_TARGET: usize = 1;
/** Second bit of a target: it is a timer channel (sync/timer.ts: `after`, `ticker`). */
// @ts-ignore: decorator
@inline export const CHANNEL_TARGET: usize = 2;

// @ts-ignore: decorator
@inline function keyAt(heap: usize, i: usize): usize { return heap + KEYS + i * KEY; }
// @ts-ignore: decorator
@inline function targetAt(heap: usize, i: usize): usize { return load<usize>(heap) + i * sizeof<usize>(); }

/** Where `target` keeps 1 + its index in the heap. */
// @ts-ignore: decorator
@inline function slotOf(target: usize): usize {
  if (target & GROUP_TARGET) return groupTimerSlot(target & ~GROUP_TARGET);
  if (target & CHANNEL_TARGET) return timerChannelSlot(target & ~CHANNEL_TARGET);
  return target + T_TIMER;
}

/** Earlier deadline first; equal deadlines in insertion order. */
function before(heap: usize, i: usize, j: usize): bool {
  const a = keyAt(heap, i), b = keyAt(heap, j);
  const da = load<f64>(a), db = load<f64>(b);
  return da < db || (da == db && <i32>(load<u32>(a, 8) - load<u32>(b, 8)) < 0);
}

/** Moves entry `from` to index `to` (overwriting it) and tells its target where it is. */
function move(heap: usize, from: usize, to: usize): void {
  const k = keyAt(heap, to), l = keyAt(heap, from);
  store<f64>(k, load<f64>(l));
  store<u32>(k, load<u32>(l, 8), 8);
  const target = load<usize>(targetAt(heap, from));
  store<usize>(targetAt(heap, to), target);
  store<u32>(slotOf(target), <u32>to + 1);
}

/** Puts {deadline, sequence, target} at index `i` and tells the target where it is. */
function put(heap: usize, i: usize, deadline: f64, sequence: u32, target: usize): void {
  const k = keyAt(heap, i);
  store<f64>(k, deadline);
  store<u32>(k, sequence, 8);
  store<usize>(targetAt(heap, i), target);
  store<u32>(slotOf(target), <u32>i + 1);
}

function swap(heap: usize, i: usize, j: usize): void {
  const k = keyAt(heap, i);
  const d = load<f64>(k), seq = load<u32>(k, 8), target = load<usize>(targetAt(heap, i));
  move(heap, j, i);
  put(heap, j, d, seq, target);
}

function siftUp(heap: usize, i: usize): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap, i, parent)) break;
    swap(heap, i, parent);
    i = parent;
  }
}

function siftDown(heap: usize, i: usize, len: usize): void {
  while (true) {
    const l: usize = 2 * i + 1, r: usize = l + 1;
    let m = i;
    if (l < len && before(heap, l, m)) m = l;
    if (r < len && before(heap, r, m)) m = r;
    if (m == i) break;
    swap(heap, i, m);
    i = m;
  }
}

/** A heap of `cap` entries holding the first `len` of `old` (0: none); 0 when out of memory. Frees `old`. */
function regrow(old: usize, len: usize, cap: usize): usize {
  const heap = heapAlloc(KEYS + cap * (KEY + sizeof<usize>()));
  if (heap == 0) return 0;
  const targets = heap + heapCapacity(heap) - cap * sizeof<usize>(); // the targets end where the block ends
  store<usize>(heap, targets);
  memory.fill(targets, 0, cap * sizeof<usize>());
  setScanTail(heap);
  if (old != 0) {
    memory.copy(keyAt(heap, 0), keyAt(old, 0), len * KEY);
    memory.copy(targets, targetAt(old, 0), len * sizeof<usize>());
    heapFree(old);
  }
  return heap;
}

let sequence: u32 = 0; // per worker; only orders equal deadlines, so it need not be shared

/** Adds `target` to fire at `deadline`, with TIMER_LOCK held; false when out of memory. */
export function addTimerLocked(deadline: f64, target: usize): bool {
  let heap = load<usize>(TIMER_HEAP);
  const len = load<usize>(TIMER_LEN);
  if (len == load<usize>(TIMER_CAP)) {
    const cap = len < 64 ? 64 : len * 2;
    heap = regrow(heap, len, cap);
    if (heap == 0) return false;
    store<usize>(TIMER_HEAP, heap);
    store<usize>(TIMER_CAP, cap);
  }
  put(heap, len, deadline, ++sequence, target);
  atomic.store<usize>(TIMER_LEN, len + 1);
  siftUp(heap, len);
  return true;
}

/** Takes `target` out of the heap if it is there, with TIMER_LOCK held. */
export function removeTimerLocked(target: usize): void {
  const slot = slotOf(target);
  const at = load<u32>(slot);
  if (at == 0) return;
  store<u32>(slot, 0);
  const heap = load<usize>(TIMER_HEAP);
  const last = load<usize>(TIMER_LEN) - 1;
  const i = <usize>at - 1;
  atomic.store<usize>(TIMER_LEN, last);
  if (i != last) {
    move(heap, last, i);
    siftUp(heap, i);
    siftDown(heap, i, last);
  }
  store<usize>(targetAt(heap, last), 0); // nothing stale for the collector to scan
}

/** Locks, adds a group's deadline; false when out of memory. */
export function addGroupTimer(deadline: f64, group: usize): bool {
  lock(TIMER_LOCK);
  const ok = addTimerLocked(deadline, group | GROUP_TARGET);
  unlock(TIMER_LOCK);
  return ok;
}

export function removeGroupTimer(group: usize): void {
  lock(TIMER_LOCK);
  removeTimerLocked(group | GROUP_TARGET);
  unlock(TIMER_LOCK);
}

export function hasTimers(): bool {
  return atomic.load<usize>(TIMER_LEN) != 0;
}

/** Fires every timer whose deadline is at or before `now`; returns how many. */
export function fireDue(now: f64): i32 {
  let fired = 0;
  while (true) {
    lock(TIMER_LOCK);
    const heap = load<usize>(TIMER_HEAP);
    if (load<usize>(TIMER_LEN) == 0 || load<f64>(keyAt(heap, 0)) > now) { unlock(TIMER_LOCK); return fired; }
    const target = load<usize>(targetAt(heap, 0));
    removeTimerLocked(target);
    if (target & GROUP_TARGET) {
      unlock(TIMER_LOCK);
      groupDeadlinePassed(target & ~GROUP_TARGET, now);
    } else if (target & CHANNEL_TARGET) {
      unlock(TIMER_LOCK);
      timerChannelFired(target & ~CHANNEL_TARGET, now);
    } else if (<i32>load<u8>(target, T_WAIT_KIND) == W_SELECT) {
      // A select's timeout: it completes the select only if no channel (or canceller) has claimed it first. The
      // timer lock is held, so the select, which takes its timer out under it (before it stops being W_SELECT),
      // is still in this wait.
      const won = claimSelect(target, load<i32>(load<usize>(target, T_WAIT_OBJ), S_TIMEOUT_CASE) + 1);
      if (won) {
        store<u8>(target, <u8>WAKE_GRANTED, T_WAKE);
        atomic.store<usize>(target + T_WAIT_QUEUE, 0);
        atomic.store<usize>(target + T_WAIT_LOCK, 0);
      }
      unlock(TIMER_LOCK);
      if (won) unpark(target);
    } else {
      // The sleeper no longer waits anywhere: a canceller that comes now finds nothing to undo.
      store<u8>(target, <u8>WAKE_GRANTED, T_WAKE);
      atomic.store<usize>(target + T_WAIT_QUEUE, 0);
      atomic.store<usize>(target + T_WAIT_LOCK, 0);
      unlock(TIMER_LOCK);
      unpark(target);
    }
    fired++;
  }
}

/** When the sleeping thread `t`'s timer fires, for dumps; NaN when it is in no timer (already fired, or awake). */
export function timerDeadline(t: usize): f64 {
  lock(TIMER_LOCK);
  const at = load<u32>(t, T_TIMER);
  const d = at == 0 ? NaN : load<f64>(keyAt(load<usize>(TIMER_HEAP), <usize>at - 1));
  unlock(TIMER_LOCK);
  return d;
}

/** The earliest deadline, or +Infinity when nothing waits for one. */
export function nextDeadline(): f64 {
  if (!hasTimers()) return Infinity;
  lock(TIMER_LOCK);
  const d = load<usize>(TIMER_LEN) == 0 ? Infinity : load<f64>(keyAt(load<usize>(TIMER_HEAP), 0));
  unlock(TIMER_LOCK);
  return d;
}
