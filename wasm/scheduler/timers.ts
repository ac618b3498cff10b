// Timers: a binary min-heap of {deadline, target} in shared memory, guarded by a spin lock. A target is a sleeping
// thread, or (low bit set) a ThreadGroup whose deadline cancels it. Each target records its index in the heap, so a
// cancelled sleeper or a group that finished early is taken out at once instead of firing later.
// Whichever worker passes a scheduling point after a deadline fires it; an idle worker sleeps only until the
// earliest deadline (host/workers asks `nextDeadline`).

import { TIMER_LOCK, TIMER_HEAP, TIMER_LEN, TIMER_CAP, WAKE_GRANTED } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { heapAlloc, heapRealloc, heapCapacity } from "../memory/heap";
import { T_TIMER, T_WAKE, T_WAIT_LOCK, T_WAIT_QUEUE, T_WAIT_OBJ, T_WAIT_KIND, W_SELECT } from "./thread";
import { claimSelect, S_TIMEOUT_CASE } from "./waiter";
import { unpark } from "./park";
import { groupTimerSlot, groupDeadlinePassed, timerChannelSlot, timerChannelFired } from "./hooks";

// An entry is 16 bytes: {key u64, target usize, sequence u32}. The block is scanned conservatively like any raw
// block (its targets keep groups and timer channels alive), so no other word of it may look like a heap address.
// A deadline as an f64 would: the low word of epoch milliseconds counts 2^-12 ms and sweeps every address once per
// 2^20 ms (17.5 minutes), keeping whatever it points into alive. So the key is the deadline in ticks of 2^-12 ms
// (an f64 epoch-ms is a whole number of them), split 31 + 31 bits, each word with its top bit set: every word is at
// least 2^31, above any heap address (the memory's maximum is 2 GiB, asconfig.json), and the u64 orders like the
// deadline. The sequence number, which orders equal deadlines, has its top bit set too. A slot past the end is
// cleared, so no stale target stays scanned.
// @ts-ignore: decorator
@inline const ENTRY: usize = 16;
// @ts-ignore: decorator
@inline const TARGET: usize = 8;
// @ts-ignore: decorator
@inline const SEQUENCE: usize = 12;
// @ts-ignore: decorator
@inline const TICKS_PER_MS: f64 = 4096;
// @ts-ignore: decorator
@inline const HIGH_BIT: u64 = 0x8000_0000;
// @ts-ignore: decorator
@inline const LOW_31: u64 = 0x7fff_ffff;
/** Low bit of a target: it is a group, not a thread. */
// @ts-ignore: decorator
@inline export const GROUP_TARGET: usize = 1;
/** Second bit of a target: it is a timer channel (sync/timer.ts: `after`, `ticker`). */
// @ts-ignore: decorator
@inline export const CHANNEL_TARGET: usize = 2;

// @ts-ignore: decorator
@inline function entryAt(heap: usize, i: usize): usize { return heap + i * ENTRY; }

/** The key of `deadline`, rounded up to a tick (a timer never fires early); past 2^62 ticks (35,000 years), the last.
 * Exported for test/guests/timer-keys.ts, like `deadlineOf`. */
export function keyOf(deadline: f64): u64 {
  const t = Math.ceil(deadline * TICKS_PER_MS);
  const ticks: u64 = t >= 4.6e18 ? <u64>-1 >> 2 : t > 0 ? <u64>t : 0; // NaN: 0
  return ((HIGH_BIT | (ticks >> 31)) << 32) | HIGH_BIT | (ticks & LOW_31);
}

/** The deadline a key stands for (exact: ticks fit an f64's 53 bits until the year 35,000). */
export function deadlineOf(key: u64): f64 {
  return <f64>((((key >> 32) & LOW_31) << 31) | (key & LOW_31)) / TICKS_PER_MS;
}

/** Where `target` keeps 1 + its index in the heap. */
// @ts-ignore: decorator
@inline function slotOf(target: usize): usize {
  if (target & GROUP_TARGET) return groupTimerSlot(target & ~GROUP_TARGET);
  if (target & CHANNEL_TARGET) return timerChannelSlot(target & ~CHANNEL_TARGET);
  return target + T_TIMER;
}

/** Earlier deadline first; equal deadlines in insertion order (sequence numbers compared modulo 2^31). */
function before(a: usize, b: usize): bool {
  const ka = load<u64>(a), kb = load<u64>(b);
  return ka < kb || (ka == kb && <i32>((load<u32>(a, SEQUENCE) - load<u32>(b, SEQUENCE)) << 1) < 0);
}

function swap(heap: usize, i: usize, j: usize): void {
  const a = entryAt(heap, i), b = entryAt(heap, j);
  const k = load<u64>(a), t = load<u64>(a, TARGET);
  store<u64>(a, load<u64>(b));
  store<u64>(a, load<u64>(b, TARGET), TARGET);
  store<u64>(b, k);
  store<u64>(b, t, TARGET);
  store<u32>(slotOf(load<usize>(a, TARGET)), <u32>i + 1);
  store<u32>(slotOf(load<usize>(b, TARGET)), <u32>j + 1);
}

function siftUp(heap: usize, i: usize): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(entryAt(heap, i), entryAt(heap, parent))) break;
    swap(heap, i, parent);
    i = parent;
  }
}

function siftDown(heap: usize, i: usize, len: usize): void {
  while (true) {
    const l: usize = 2 * i + 1, r: usize = l + 1;
    let m = i;
    if (l < len && before(entryAt(heap, l), entryAt(heap, m))) m = l;
    if (r < len && before(entryAt(heap, r), entryAt(heap, m))) m = r;
    if (m == i) break;
    swap(heap, i, m);
    i = m;
  }
}

let sequence: u32 = 0; // per worker; only orders equal deadlines, so it need not be shared

/** Adds `target` to fire at `deadline`, with TIMER_LOCK held; false when out of memory. */
export function addTimerLocked(deadline: f64, target: usize): bool {
  let heap = load<usize>(TIMER_HEAP);
  const len = load<usize>(TIMER_LEN);
  if (len == load<usize>(TIMER_CAP)) {
    const cap = len < 64 ? 64 : len * 2;
    heap = heap == 0 ? heapAlloc(cap * ENTRY) : heapRealloc(heap, cap * ENTRY);
    if (heap == 0) return false;
    memory.fill(entryAt(heap, len), 0, heapCapacity(heap) - len * ENTRY); // whatever the block held before is scanned
    store<usize>(TIMER_HEAP, heap);
    store<usize>(TIMER_CAP, cap);
  }
  const e = entryAt(heap, len);
  store<u64>(e, keyOf(deadline));
  store<usize>(e, target, TARGET);
  store<u32>(e, <u32>HIGH_BIT | (++sequence & <u32>LOW_31), SEQUENCE);
  store<u32>(slotOf(target), <u32>len + 1);
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
  const e = entryAt(heap, i), l = entryAt(heap, last);
  if (i != last) {
    store<u64>(e, load<u64>(l));
    store<u64>(e, load<u64>(l, TARGET), TARGET);
    store<u32>(slotOf(load<usize>(e, TARGET)), <u32>i + 1);
    siftUp(heap, i);
    siftDown(heap, i, last);
  }
  store<usize>(l, 0, TARGET); // a stale target would keep its group or channel (or what reuses its memory) alive
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
    if (load<usize>(TIMER_LEN) == 0 || deadlineOf(load<u64>(heap)) > now) { unlock(TIMER_LOCK); return fired; }
    const target = load<usize>(heap, TARGET);
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
  const d = at == 0 ? NaN : deadlineOf(load<u64>(entryAt(load<usize>(TIMER_HEAP), <usize>at - 1)));
  unlock(TIMER_LOCK);
  return d;
}

/** The earliest deadline, or +Infinity when nothing waits for one. */
export function nextDeadline(): f64 {
  if (!hasTimers()) return Infinity;
  lock(TIMER_LOCK);
  const d = load<usize>(TIMER_LEN) == 0 ? Infinity : deadlineOf(load<u64>(load<usize>(TIMER_HEAP)));
  unlock(TIMER_LOCK);
  return d;
}
