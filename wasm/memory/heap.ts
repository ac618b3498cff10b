// The shared allocator: one heap for every worker, built on atomics.
//
// Blocks are segregated into size classes. Each class has a lock-free Treiber stack of free blocks whose head is
// a u64 {tag:32, ptr:32}; the tag changes on every update, so a block popped and pushed back between a reader's load
// and its compare-exchange cannot be mistaken for the old head (the ABA problem). A class with no free block is
// served from a bump region that grows the memory under a lock.
//
// Each worker keeps a cache of free small blocks per class (like tcmalloc's thread caches): allocating and freeing
// there takes no atomic operation. An empty cache takes a class's whole shared free list with one exchange, or
// carves a batch of blocks from the bump region; a cache that grows past CACHE_LIMIT gives half back.
//
// Block layout (AssemblyScript's): a u32 `mmInfo` holding the block's total size, then the payload, which is
// 16-byte aligned. Freed blocks keep the link to the next free block in their first payload word.

import { HEAP_TOP, GROW_LOCK, HEAP_IN_USE, HEAP_START, FREE_LISTS, SIZE_CLASSES } from "./layout";
import { lock, unlock } from "./spinlock";
import { memoryGrew } from "./view";

// @ts-ignore: decorator
@inline const HEADER_SIZE: usize = 4;
// @ts-ignore: decorator
@inline const ALIGN_MASK: usize = 15;
/** Blocks up to this size use classes 16 bytes apart; above it, four classes per power of two. */
// @ts-ignore: decorator
@inline const SMALL_LIMIT: usize = 1024;
// @ts-ignore: decorator
@inline const LARGEST: usize = 1 << 30;

/** Block size (header included) for a payload of `size` bytes, before rounding to its class. */
// @ts-ignore: decorator
@inline function blockSizeFor(size: usize): usize {
  return (size + HEADER_SIZE + ALIGN_MASK) & ~ALIGN_MASK;
}

/** Size class of a block size (a multiple of 16). */
function classOf(block: usize): usize {
  if (block <= SMALL_LIMIT) return (block >> 4) - 1; // 0..63
  const log = <usize>(31 - clz<u32>(<u32>block - 1)); // block in (2^log, 2^(log+1)]
  const quarter = (<usize>1 << log) >> 2;
  const sub = (block - (<usize>1 << log) - 1) / quarter; // 0..3
  return 64 + (log - 10) * 4 + sub;
}

/** The block size every member of a class has. */
function classSize(cls: usize): usize {
  if (cls < 64) return (cls + 1) << 4;
  const log = (cls - 64) / 4 + 10;
  const sub = (cls - 64) & 3;
  return (<usize>1 << log) + (sub + 1) * ((<usize>1 << log) >> 2);
}

/** Classes below this one (blocks up to 1 KiB) are cached per worker. */
// @ts-ignore: decorator
@inline const CACHED_CLASSES: usize = 64;
/** Free blocks a worker keeps per class before it gives half back to the shared lists. */
// @ts-ignore: decorator
@inline const CACHE_LIMIT: u32 = 256;
/** Bytes a worker carves from the bump region at once to fill an empty cache. */
// @ts-ignore: decorator
@inline const REFILL_BYTES: usize = 8192;

/** This worker's cache: CACHED_CLASSES entries of {head: u32, count: u32}; 0 until the worker has booted. */
let cache: usize = 0;
/** This worker's i64 count of bytes in use (in its shared statistics block). */
let inUseCounter: usize = 0;

/** Run once by the worker that initialises the memory. */
export function heapInit(heapBase: usize): void {
  // The first block starts 4 bytes before a 16-byte boundary so that its payload is aligned.
  const start = ((heapBase + HEADER_SIZE + ALIGN_MASK) & ~ALIGN_MASK) - HEADER_SIZE;
  atomic.store<u32>(HEAP_START, start);
  atomic.store<u32>(HEAP_TOP, start);
  atomic.store<u32>(HEAP_IN_USE, 0);
  for (let i: usize = 0; i < SIZE_CLASSES; i++) atomic.store<u64>(FREE_LISTS + i * 8, 0);
}

/** Gives this worker a block cache; `counter` is where it counts its bytes in use. False when out of memory. */
export function heapAttachWorker(counter: usize): bool {
  const c = globalAlloc(CACHED_CLASSES * 8);
  if (c == 0) return false;
  memory.fill(c, 0, CACHED_CLASSES * 8);
  cache = c;
  inUseCounter = counter;
  return true;
}

function popFree(cls: usize): usize {
  const head = FREE_LISTS + cls * 8;
  while (true) {
    const old = atomic.load<u64>(head);
    const block = <usize>(<u32>old);
    if (block == 0) return 0;
    // May read a block another worker just popped and reused: harmless, the tag makes the exchange fail.
    const next = <u64>atomic.load<u32>(block + HEADER_SIZE);
    const replacement = (((old >> 32) + 1) << 32) | next;
    if (atomic.cmpxchg<u64>(head, old, replacement) == old) return block;
  }
}

/** Pushes the linked blocks first..last onto the shared free list of `cls`. */
function pushFree(cls: usize, first: usize, last: usize): void {
  const head = FREE_LISTS + cls * 8;
  while (true) {
    const old = atomic.load<u64>(head);
    atomic.store<u32>(last + HEADER_SIZE, <u32>old);
    const replacement = (((old >> 32) + 1) << 32) | <u64>first;
    if (atomic.cmpxchg<u64>(head, old, replacement) == old) return;
  }
}

/** Takes the whole shared free list of `cls`; 0 when it is empty. */
function takeAllFree(cls: usize): usize {
  const head = FREE_LISTS + cls * 8;
  while (true) {
    const old = atomic.load<u64>(head);
    if (<u32>old == 0) return 0;
    if (atomic.cmpxchg<u64>(head, old, ((old >> 32) + 1) << 32) == old) return <usize>(<u32>old);
  }
}

/** Makes sure memory reaches `end`; false when the memory's maximum forbids it. */
function ensureMemory(end: usize): bool {
  if (end <= (<usize>memory.size() << 16)) return true;
  lock(GROW_LOCK);
  let ok = true;
  // grow(0) gives the true current size (memory.size() may still show this worker's stale view) and refreshes it.
  const have = <usize>memory.grow(0);
  const need = (end + 0xffff) >> 16;
  if (need > have) {
    // Grow by at least a quarter of what we have, so a burst of allocation does not grow one page at a time.
    const want = max(need - have, have >> 2);
    if (memory.grow(<i32>want) < 0 && memory.grow(<i32>(need - have)) < 0) ok = false;
    else memoryGrew();
  }
  unlock(GROW_LOCK);
  return ok;
}

/** Takes `size` bytes from the bump region; 0 (and nothing taken) when the memory cannot grow that far. */
function bump(size: usize): usize {
  while (true) {
    const start = <usize>atomic.load<u32>(HEAP_TOP);
    const end = start + size;
    if (end < start || !ensureMemory(end)) return 0; // past 4 GiB or the memory's maximum
    if (atomic.cmpxchg<u32>(HEAP_TOP, <u32>start, <u32>end) == <u32>start) return start;
  }
}

/** Allocates a block with at least `size` payload bytes; returns its payload address, or 0 when out of memory. */
export function heapAlloc(size: usize): usize {
  if (size > LARGEST) return 0;
  const cls = classOf(blockSizeFor(size));
  if (cache == 0 || cls >= CACHED_CLASSES) return globalAlloc(size);
  const slot = cache + cls * 8;
  let block = <usize>load<u32>(slot);
  if (block == 0) {
    block = refill(cls, slot);
    if (block == 0) return 0;
  }
  store<u32>(slot, load<u32>(block + HEADER_SIZE));
  store<u32>(slot, load<u32>(slot, 4) - 1, 4);
  const blockSize = classSize(cls);
  store<u32>(block, <u32>blockSize);
  store<i64>(inUseCounter, load<i64>(inUseCounter) + <i64>blockSize);
  return block + HEADER_SIZE;
}

/** Fills an empty cache: the class's whole shared free list, or a batch carved from the bump region. */
function refill(cls: usize, slot: usize): usize {
  let list = takeAllFree(cls);
  let count: u32 = 0;
  if (list != 0) {
    // Count it once (each block is counted once per trip through the shared list, so this is amortised).
    for (let b = list; b != 0; b = <usize>load<u32>(b + HEADER_SIZE)) count++;
  } else {
    const blockSize = classSize(cls);
    let n = REFILL_BYTES / blockSize;
    if (n < 1) n = 1;
    list = bump(n * blockSize);
    if (list == 0) {
      n = 1;
      list = bump(blockSize);
      if (list == 0) return 0;
    }
    for (let i: usize = 0; i < n; i++) {
      const b = list + i * blockSize;
      store<u32>(b, <u32>blockSize);
      store<u32>(b + HEADER_SIZE, i + 1 < n ? <u32>(b + blockSize) : 0);
    }
    count = <u32>n;
  }
  store<u32>(slot, <u32>list);
  store<u32>(slot, count, 4);
  return list;
}

/** The shared path: large blocks, and any block before the worker has a cache. */
function globalAlloc(size: usize): usize {
  const cls = classOf(blockSizeFor(size));
  const blockSize = classSize(cls);
  let block = popFree(cls);
  if (block == 0) {
    block = bump(blockSize);
    if (block == 0) return 0;
  }
  store<u32>(block, <u32>blockSize);
  atomic.add<u32>(HEAP_IN_USE, <u32>blockSize);
  return block + HEADER_SIZE;
}

export function heapFree(ptr: usize): void {
  const block = ptr - HEADER_SIZE;
  const blockSize = <usize>load<u32>(block);
  const cls = classOf(blockSize);
  if (cache == 0 || cls >= CACHED_CLASSES) {
    atomic.sub<u32>(HEAP_IN_USE, <u32>blockSize);
    pushFree(cls, block, block);
    return;
  }
  store<i64>(inUseCounter, load<i64>(inUseCounter) - <i64>blockSize);
  const slot = cache + cls * 8;
  store<u32>(block + HEADER_SIZE, load<u32>(slot));
  store<u32>(slot, <u32>block);
  const count = load<u32>(slot, 4) + 1;
  store<u32>(slot, count, 4);
  if (count > CACHE_LIMIT) giveBackHalf(cls, slot);
}

/** Keeps CACHE_LIMIT / 2 blocks of the class and pushes the rest onto the shared list in one exchange. */
function giveBackHalf(cls: usize, slot: usize): void {
  let keepLast = <usize>load<u32>(slot);
  for (let i: u32 = 1; i < CACHE_LIMIT / 2; i++) keepLast = <usize>load<u32>(keepLast + HEADER_SIZE);
  const first = <usize>load<u32>(keepLast + HEADER_SIZE);
  store<u32>(keepLast + HEADER_SIZE, 0);
  store<u32>(slot, CACHE_LIMIT / 2, 4);
  let last = first;
  while (load<u32>(last + HEADER_SIZE) != 0) last = <usize>load<u32>(last + HEADER_SIZE);
  pushFree(cls, first, last);
}

/** Payload bytes a block can hold. */
export function heapCapacity(ptr: usize): usize {
  return <usize>load<u32>(ptr - HEADER_SIZE) - HEADER_SIZE;
}

/** Resizes a block, moving it when it does not fit; 0 when out of memory (the old block is then untouched). */
export function heapRealloc(ptr: usize, size: usize): usize {
  const capacity = heapCapacity(ptr);
  if (size <= capacity) return ptr;
  const moved = heapAlloc(size);
  if (moved == 0) return 0;
  memory.copy(moved, ptr, capacity);
  heapFree(ptr);
  return moved;
}

export function heapReserved(): usize {
  return <usize>atomic.load<u32>(HEAP_TOP) - <usize>atomic.load<u32>(HEAP_START);
}
