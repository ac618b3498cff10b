// The mark stack: marked objects waiting to be traced, and how workers that mark together share them.
//
// Each worker that marks has a stack of its own (these per-worker globals). The collector's is kept between the
// pauses of a collection (GC_MARK_STACK, GC_MARK_TOP: the next pause may run on another worker); a helper's lives in
// its collector record (WR_MARK_STACK), allocated when the worker attaches (with more than one worker), so that no
// collection allocates for its helpers and a heap measured after one collection does not grow at a later one.
//
// An entry is an object's address, or a pair that continues an array's trace: the next element's index with
// INDEX set, then the array's address with CONTINUE set (on top). Every word says what it is (heap addresses are
// below 2^31 and 8-byte aligned), so a stack can be read from either end, and work moves between stacks only by
// whole entries: a pair is never split.
//
// Marking together (memory/gc.ts, "Marking together"): a worker that marks and sees an idle one hands the bottom half
// of its stack to the shared pool (the oldest entries: the rest of a big array, whole subtrees; the top holds the
// leaves it is about to trace); a worker with nothing left takes half of the pool, or counts itself idle. The job is
// over when every worker that joined it is idle with the pool empty: idle workers make no work, and the last one to
// go idle sees the pool empty under the same lock.
//
// While marking together no stack grows: allocating a block then would race the other workers' walk over the raw
// pages (they would read the new block's page described before its header is written). A full stack hands half to
// the pool instead, and when the pool is full too the collection records an overflow (GC_MARK_OVERFLOW), which the
// collector repairs afterwards, alone, by tracing every marked object again.

import { GC_MARK_STACK, GC_MARK_CAP, GC_MARK_TOP, GC_MARK_OVERFLOW, GC_POOL, GC_POOL_TOP, GC_POOL_CAP, GC_JOB_LOCK,
         GC_JOB_WORKERS, GC_JOB_IDLE, GC_JOB_DONE } from "./layout";
import { WR_MARK_STACK, WR_MARK_CAP, heapAlloc, heapFree, setNoScan } from "./heap";
import { lock, unlock } from "./spinlock";

/** A mark stack entry with this bit continues an array's trace; the entry under it is the next element's index. */
// @ts-ignore: decorator
@inline export const CONTINUE: u32 = 1; // objects are 8-byte aligned: the bit is free
/** The lower word of a continuation (the next element's index) has this bit: no heap address does. */
// @ts-ignore: decorator
@inline const INDEX: u32 = 0x8000_0000;

/** Entries of the collector's first mark stack: 256 KiB (it grows when it must). */
// @ts-ignore: decorator
@inline const INITIAL_ENTRIES: usize = 1 << 16;
/**
 * Entries of a helper's mark stack: two pages' worth (about 128 KiB), and it never grows. Roots are scanned a run of
 * pages at a time and traced at once, depth first, so a stack holds what one run of pages and its widest arrays
 * (4096-element slices) mark.
 */
// @ts-ignore: decorator
@inline const HELPER_ENTRIES: usize = ((2 << 16) - 512) >> 2;
/** Entries the shared pool holds: one page's worth (about 64 KiB). */
// @ts-ignore: decorator
@inline const POOL_ENTRIES: usize = ((1 << 16) - 512) >> 2;
/** A worker hands work over only when it has at least this many entries (fewer are not worth a lock). */
// @ts-ignore: decorator
@inline const SHARE_MIN: usize = 8;
/** Spins on the pool before an idle worker waits on it (with a timeout: donors do not notify). */
// @ts-ignore: decorator
@inline const IDLE_SPINS: u32 = 2048;

let stack: usize = 0; // per worker
let cap: usize = 0; // per worker
let top: usize = 0; // per worker
/** False while marking together: the stack hands work to the pool instead of growing. */
let growable: bool = true; // per worker

// ---------------------------------------------------------------------------------------------------------------
// Which stack

/**
 * Takes up the collector's stack: empty (`fresh`, a collection begins) or as the last pause left it. Allocates it the
 * first time; false when there is no memory for it.
 */
export function openCollectorStack(fresh: bool): bool {
  stack = <usize>load<u32>(GC_MARK_STACK);
  cap = <usize>load<u32>(GC_MARK_CAP);
  growable = true;
  if (stack == 0) {
    stack = newStack(INITIAL_ENTRIES);
    if (stack == 0) return false;
    cap = INITIAL_ENTRIES;
    store<u32>(GC_MARK_STACK, <u32>stack);
    store<u32>(GC_MARK_CAP, <u32>cap);
  }
  top = fresh ? 0 : <usize>load<u32>(GC_MARK_TOP);
  if (fresh) atomic.store<u32>(GC_MARK_OVERFLOW, 0);
  return true;
}

/** Leaves the collector's stack for the next pause. */
export function saveCollectorStack(): void {
  store<u32>(GC_MARK_TOP, <u32>top);
}

/**
 * A worker attaching to a runtime of several workers (collector record `rec`) makes its helper's stack, and the
 * shared pool if no worker has yet. Without memory for them it never marks together (nothing else changes).
 */
export function attachHelper(rec: usize): void {
  if (atomic.load<u32>(GC_POOL) == 0) {
    const pool = newStack(POOL_ENTRIES);
    if (pool != 0) {
      store<u32>(GC_POOL_CAP, <u32>POOL_ENTRIES);
      if (atomic.cmpxchg<u32>(GC_POOL, 0, <u32>pool) != 0) heapFree(pool); // another worker made it first
    }
  }
  const s = newStack(HELPER_ENTRIES);
  if (s == 0) return;
  store<u32>(rec + WR_MARK_CAP, <u32>HELPER_ENTRIES);
  atomic.store<u32>(rec + WR_MARK_STACK, <u32>s);
}

/** Marking together is possible: the shared pool exists. */
export function poolReady(): bool {
  return atomic.load<u32>(GC_POOL) != 0;
}

/** A helper takes up its own stack (empty), to mark together. False when the collector gave it none. */
export function openHelperStack(rec: usize): bool {
  stack = <usize>load<u32>(rec + WR_MARK_STACK);
  cap = <usize>load<u32>(rec + WR_MARK_CAP);
  top = 0;
  growable = false;
  return stack != 0;
}

/** The collector marks together with helpers (no stack grows) or alone again. */
export function setMarkingTogether(together: bool): void {
  growable = !together;
}

function newStack(entries: usize): usize {
  const s = heapAlloc(entries << 2); // a large block: no worker cache is involved
  if (s != 0) setNoScan(s);
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Pushing and popping

// @ts-ignore: decorator
@inline export function markStackEmpty(): bool {
  return top == 0;
}

/** Queues a marked object for tracing; on no room, records an overflow (the collector traces it later). */
export function pushMarked(obj: usize): void {
  if (top == cap && !makeRoom(1)) {
    atomic.store<u32>(GC_MARK_OVERFLOW, 1);
    return;
  }
  store<u32>(stack + (top << 2), <u32>obj);
  top++;
}

/** Queues the rest of an array's trace, from element `next`. False when there is no room. */
export function pushContinuation(array: usize, next: usize): bool {
  if (top + 2 > cap && !makeRoom(2)) return false;
  store<u32>(stack + (top << 2), <u32>next | INDEX);
  store<u32>(stack + ((top + 1) << 2), <u32>(array | CONTINUE));
  top += 2;
  return true;
}

/** The top entry (an object, or an array with CONTINUE: then popIndex() gives its next element). */
// @ts-ignore: decorator
@inline export function popEntry(): usize {
  top--;
  return <usize>load<u32>(stack + (top << 2));
}

// @ts-ignore: decorator
@inline export function popIndex(): usize {
  top--;
  return <usize>(load<u32>(stack + (top << 2)) & ~INDEX);
}

/** Room for `n` more entries: grows the stack (alone) or hands half of it to the pool (together). */
function makeRoom(n: usize): bool {
  if (growable) {
    while (top + n > cap) {
      const bigger = newStack(cap << 1);
      if (bigger == 0) return false;
      memory.copy(bigger, stack, top << 2);
      heapFree(stack);
      stack = bigger;
      cap <<= 1;
      store<u32>(GC_MARK_STACK, <u32>stack); // only the collector's stack grows
      store<u32>(GC_MARK_CAP, <u32>cap);
    }
    return true;
  }
  lock(GC_JOB_LOCK);
  moveToPool(top >> 1);
  unlock(GC_JOB_LOCK);
  return top + n <= cap;
}

// ---------------------------------------------------------------------------------------------------------------
// Sharing (only while marking together)

/** Called now and then while marking: hands half of this stack to the pool when a worker is idle and it is empty. */
export function shareIfWanted(): void {
  if (top < SHARE_MIN || atomic.load<u32>(GC_JOB_IDLE) == 0 || atomic.load<u32>(GC_POOL_TOP) != 0) return;
  lock(GC_JOB_LOCK);
  moveToPool(top >> 1);
  unlock(GC_JOB_LOCK);
}

/**
 * This worker's stack is empty: takes work from the pool, waiting for some while other workers still mark. False
 * when the job is over (every worker that joined is idle and the pool is empty).
 */
export function takeShared(): bool {
  lock(GC_JOB_LOCK);
  if (takeFromPool()) { unlock(GC_JOB_LOCK); return true; }
  const idle = load<u32>(GC_JOB_IDLE) + 1;
  atomic.store<u32>(GC_JOB_IDLE, idle);
  if (idle == load<u32>(GC_JOB_WORKERS)) {
    atomic.store<u32>(GC_JOB_DONE, 1);
    unlock(GC_JOB_LOCK);
    return false;
  }
  unlock(GC_JOB_LOCK);
  let spins: u32 = 0;
  while (true) {
    if (atomic.load<u32>(GC_JOB_DONE) != 0) return false;
    if (atomic.load<u32>(GC_POOL_TOP) != 0) {
      lock(GC_JOB_LOCK);
      if (atomic.load<u32>(GC_JOB_DONE) == 0 && takeFromPool()) {
        atomic.store<u32>(GC_JOB_IDLE, load<u32>(GC_JOB_IDLE) - 1);
        unlock(GC_JOB_LOCK);
        return true;
      }
      unlock(GC_JOB_LOCK);
    }
    if (++spins == IDLE_SPINS) {
      spins = 0;
      atomic.wait<u32>(GC_POOL_TOP, 0, 20_000); // 20 µs: a worker with a long stack shares within that
    }
  }
  return false;
}

/**
 * Moves whole entries from the bottom of this stack to the pool, about `count` words or until the pool is full, and
 * moves the rest down. Under GC_JOB_LOCK.
 */
function moveToPool(count: usize): void {
  const pool = <usize>load<u32>(GC_POOL);
  let poolTop = <usize>load<u32>(GC_POOL_TOP);
  const room = <usize>load<u32>(GC_POOL_CAP) - poolTop;
  if (count > room) count = room;
  let n: usize = 0; // whole entries only: a pair's lower word has INDEX
  while (n < count) {
    const size: usize = (load<u32>(stack + (n << 2)) & INDEX) != 0 ? 2 : 1;
    if (n + size > count) break;
    n += size;
  }
  if (n == 0) return;
  memory.copy(pool + (poolTop << 2), stack, n << 2);
  memory.copy(stack, stack + (n << 2), (top - n) << 2);
  top -= n;
  atomic.store<u32>(GC_POOL_TOP, <u32>(poolTop + n));
}

/** Takes half of the pool (at least one entry) onto this stack; false when it is empty. Under GC_JOB_LOCK. */
function takeFromPool(): bool {
  const pool = <usize>load<u32>(GC_POOL);
  let poolTop = <usize>load<u32>(GC_POOL_TOP);
  if (poolTop == 0) return false;
  const keep = poolTop >> 1;
  while (poolTop > keep) {
    const n: usize = (load<u32>(pool + ((poolTop - 1) << 2)) & CONTINUE) != 0 ? 2 : 1;
    if (top + n > cap) break;
    poolTop -= n;
    memory.copy(stack + (top << 2), pool + (poolTop << 2), n << 2);
    top += n;
  }
  atomic.store<u32>(GC_POOL_TOP, <u32>poolTop);
  return true;
}
