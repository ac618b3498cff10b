// The shared allocator: one heap for every worker, built on atomics.
//
// Blocks are segregated into size classes. Each class has a lock-free Treiber stack of free blocks whose head is
// a u64 {tag:32, ptr:32}; the tag changes on every update, so a block popped and pushed back between a reader's load
// and its compare-exchange cannot be mistaken for the old head (the ABA problem). A class with no free block is
// served from a bump region that grows the memory under a lock.
//
// Block layout (AssemblyScript's): a u32 `mmInfo` holding the block's total size, then the payload, which is
// 16-byte aligned. Freed blocks keep the link to the next free block in their first payload word.

import { HEAP_TOP, GROW_LOCK, HEAP_IN_USE, HEAP_START, FREE_LISTS, SIZE_CLASSES } from "./layout";
import { lock, unlock } from "./spinlock";

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

/** Run once by the worker that initialises the memory. */
export function heapInit(heapBase: usize): void {
  // The first block starts 4 bytes before a 16-byte boundary so that its payload is aligned.
  const start = ((heapBase + HEADER_SIZE + ALIGN_MASK) & ~ALIGN_MASK) - HEADER_SIZE;
  atomic.store<u32>(HEAP_START, start);
  atomic.store<u32>(HEAP_TOP, start);
  atomic.store<u32>(HEAP_IN_USE, 0);
  for (let i: usize = 0; i < SIZE_CLASSES; i++) atomic.store<u64>(FREE_LISTS + i * 8, 0);
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

function pushFree(cls: usize, block: usize): void {
  const head = FREE_LISTS + cls * 8;
  while (true) {
    const old = atomic.load<u64>(head);
    atomic.store<u32>(block + HEADER_SIZE, <u32>old);
    const replacement = (((old >> 32) + 1) << 32) | <u64>block;
    if (atomic.cmpxchg<u64>(head, old, replacement) == old) return;
  }
}

/** Makes sure memory reaches `end`; false when the memory's maximum forbids it. */
function ensureMemory(end: usize): bool {
  if (end <= (<usize>memory.size() << 16)) return true;
  lock(GROW_LOCK);
  let ok = true;
  const have = <usize>memory.size();
  const need = (end + 0xffff) >> 16;
  if (need > have) {
    // Grow by at least a quarter of what we have, so a burst of allocation does not grow one page at a time.
    const want = max(need - have, have >> 2);
    if (memory.grow(<i32>want) < 0 && memory.grow(<i32>(need - have)) < 0) ok = false;
  }
  unlock(GROW_LOCK);
  return ok;
}

function bump(block: usize): usize {
  const start = <usize>atomic.add<u32>(HEAP_TOP, <u32>block);
  if (start + block < start || !ensureMemory(start + block)) return 0; // past 4 GiB or the memory's maximum
  return start;
}

/** Allocates a block with at least `size` payload bytes; returns its payload address, or 0 when out of memory. */
export function heapAlloc(size: usize): usize {
  if (size > LARGEST) return 0;
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
  atomic.sub<u32>(HEAP_IN_USE, <u32>blockSize);
  pushFree(classOf(blockSize), block);
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

export function heapInUse(): usize {
  return <usize>atomic.load<u32>(HEAP_IN_USE);
}

export function heapReserved(): usize {
  return <usize>atomic.load<u32>(HEAP_TOP) - <usize>atomic.load<u32>(HEAP_START);
}
