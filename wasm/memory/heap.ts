// The shared allocator: one heap for every worker, built on atomics, laid out so the collector can tell an object
// start from any word (memory/gc.ts).
//
// Pages. The heap is a run of 64 KiB pages, each described by a u32 in the page table (one entry per page of the
// 4 GiB address space, at GC_PAGE_TABLE): a SMALL page holds blocks of one size class, a LARGE run of pages holds
// one block (its first page is the head, the others are tails pointing back), and FREE spans wait for reuse on a
// doubly linked list (coalesced with their neighbours). Every small class exists twice, RAW (the runtime's own
// records: threads, stacks, queues, frames) and MANAGED (guest objects from __new), and a page holds one kind only:
// the collector scans raw pages as roots and sweeps managed pages, never the other way round.
//
// Blocks keep AssemblyScript's layout: a u32 header, then the payload, 16-byte aligned. The header holds the block
// size (a multiple of 16) and four flag bits: ALLOCATED, MANAGED, MARK (managed blocks, set by the collector) or
// SCAN_ASYNCIFY (raw blocks of saved Asyncify frames whose first word says where they end), and NO_SCAN (raw blocks
// that never hold references); both together mark a JSPI thread's shadow stack (used part [sp, end)). Only the block's owner writes its header outside a collection, with plain stores.
//
// Free small blocks sit in per-worker caches (no atomics: like tcmalloc's thread caches) and in one lock-free
// Treiber stack of *batches* per class, whose head is a u64 {tag:32, ptr:32} (the tag defeats ABA). A batch is a
// chain of blocks: word 0 of a block's payload links the chain, words 1 and 2 of the batch's first block hold the
// next batch and the batch's length. An empty cache pops one batch, or carves a fresh page.

import { HEAP_TOP, GROW_LOCK, HEAP_IN_USE, HEAP_START, FREE_LISTS, SIZE_CLASSES, GC_PAGE_LOCK, GC_FREE_SPANS,
         GC_PAGE_TABLE, GC_WORKER_RECORDS, GC_ALLOCATED, GC_TRIGGER, GC_STATE, GC_PAGES_USED, GC_PAGES_FREE,
         GC_STATIC_END, GC_DISABLED, MAX_WORKERS, PAGE_SIZE, GC_SWEEP_CURSOR, GC_SWEEP_END, GC_SWEEP_FREED,
         GC_SWEEP_LIVE_OBJECTS, GC_SWEEP_LIVE_MANAGED } from "./layout";
import { GC_IDLE, GC_REQUESTED } from "./layout";
import { lock, unlock } from "./spinlock";
import { memoryGrew, syncMemoryView } from "./view";

// @ts-ignore: decorator
@inline export const HEADER_SIZE: usize = 4;
// @ts-ignore: decorator
@inline const ALIGN_MASK: usize = 15;
// @ts-ignore: decorator
@inline const LARGEST: usize = 1 << 30;

// Header flags (the low 4 bits of a block size, which is a multiple of 16).
// @ts-ignore: decorator
@inline export const F_ALLOCATED: u32 = 1;
// @ts-ignore: decorator
@inline export const F_MANAGED: u32 = 2;
/** Managed blocks: reached in the current collection. */
// @ts-ignore: decorator
@inline export const F_MARK: u32 = 4;
/** Raw blocks: a saved stack; scan only [payload + SAVED_FRAMES, end), end being the payload's first word. */
// @ts-ignore: decorator
@inline export const F_SCAN_ASYNCIFY: u32 = 4;
/** Where a saved stack's frames start in its block: after the word that holds where they end (scheduler/stacks.ts). */
// @ts-ignore: decorator
@inline export const SAVED_FRAMES: usize = 4;
/** Raw blocks: never scanned (they hold no references to guest objects). */
// @ts-ignore: decorator
@inline export const F_NO_SCAN: u32 = 8;
/** Raw blocks: a JSPI thread's shadow stack; scan only [sp, end), sp being the payload's first word. */
// @ts-ignore: decorator
@inline export const F_SCAN_SHADOW: u32 = F_SCAN_ASYNCIFY | F_NO_SCAN;
// @ts-ignore: decorator
@inline export const SIZE_MASK: u32 = ~15;

// Pages.
// @ts-ignore: decorator
@inline export const PAGE_SHIFT: usize = 16; // PAGE_SIZE (memory/layout.ts) = 1 << PAGE_SHIFT, checked below
/**
 * A page's first block starts here (its payload at 256); bytes 0..11 are the free-span links of a free page. Not at
 * 12: roots are scanned conservatively, and UTF-16 text in the static data reads as words whose bits 8..15 and
 * 24..31 are zero (two Latin-1 characters: "a:" is 0x003A_0061), which point into the first 256 bytes of a page.
 * No block there, none of them keeps an object (the collector ignores words below FIRST_BLOCK). 244 bytes of 64 KiB.
 */
// @ts-ignore: decorator
@inline export const FIRST_BLOCK: usize = 252;

// Page descriptors: kind in bits 28..31, MANAGED in bit 27, FRESH in bit 26, a value (class, page count, distance)
// below.
// @ts-ignore: decorator
@inline export const PK_SMALL: u32 = 1;
// @ts-ignore: decorator
@inline export const PK_LARGE: u32 = 2;
// @ts-ignore: decorator
@inline export const PK_TAIL: u32 = 3;
// @ts-ignore: decorator
@inline export const PK_FREE: u32 = 4;
/** A free page that is not the head of its span (its last page records the span's length). */
// @ts-ignore: decorator
@inline export const PK_FREE_REST: u32 = 5;
// @ts-ignore: decorator
@inline export const PD_MANAGED: u32 = 1 << 27;
// @ts-ignore: decorator
/**
 * A small page, or a large run's head, handed out while a collection sweeps, where its sweep had yet to go: the sweep
 * passes it by (its blocks are new, or free in some worker's cache) and clears the flag.
 */
// @ts-ignore: decorator
@inline export const PD_FRESH: u32 = 1 << 26;
// @ts-ignore: decorator
@inline export const PD_VALUE: u32 = (1 << 26) - 1;

// Size classes: 16-byte steps up to 512 bytes (32 classes), then four per power of two up to 16 KiB (20 classes).
// Bigger blocks take whole pages.
// @ts-ignore: decorator
@inline export const SMALL_CLASSES: usize = 52;
// @ts-ignore: decorator
@inline export const SMALL_LIMIT: usize = 16384;

// Per-worker caches.
/** Free blocks a worker keeps per class before it gives half back to the shared lists. */
// @ts-ignore: decorator
@inline const CACHE_LIMIT: u32 = 256;
/** Blocks per batch when the collector rebuilds the shared lists. */
// @ts-ignore: decorator
@inline export const BATCH_MAX: u32 = 256;

// Collection pacing: each worker counts the guest objects it allocates in a private budget and reports to
// GC_ALLOCATED in chunks (the trigger: memory/gc.ts, setTrigger).
// @ts-ignore: decorator
@inline const BUDGET_CHUNK: i64 = 256 << 10;
/**
 * While a collection is under way: guest bytes a worker allocates between two of its steps. Everything allocated
 * meanwhile outlives the collection (born marked, or on pages the sweep has passed), so this bounds how far the heap
 * grows past its trigger; smaller means more pauses per collection.
 */
// @ts-ignore: decorator
@inline const STEP_BUDGET: i64 = 16 << 10;
/** The first collection, and never fewer bytes between two: 32 MiB (docs/design.md, "Garbage collection", When). */
// @ts-ignore: decorator
@inline export const MIN_TRIGGER: u32 = 32 << 20;

// Collector records, one per worker (memory/gc.ts reads and resets them): 28 bytes.
// @ts-ignore: decorator
@inline export const WR_STATE: usize = 0;
// @ts-ignore: decorator
@inline export const WR_CACHE: usize = 4;
// @ts-ignore: decorator
@inline export const WR_GLOBALS: usize = 8;
// @ts-ignore: decorator
@inline export const WR_FLAGS: usize = 12;
/** The worker's grey log: objects its write barrier shaded while a collection marks (memory/gc.ts). */
// @ts-ignore: decorator
@inline export const WR_GREY: usize = 16;
/** The worker's mark stack for marking together with the collector, and its capacity (memory/markstack.ts). */
// @ts-ignore: decorator
@inline export const WR_MARK_STACK: usize = 20;
// @ts-ignore: decorator
@inline export const WR_MARK_CAP: usize = 24;
// @ts-ignore: decorator
@inline export const WR_SIZE: usize = 28;

/** Block size (header included) for a payload of `size` bytes, before rounding to its class. */
// @ts-ignore: decorator
@inline function blockSizeFor(size: usize): usize {
  return (size + HEADER_SIZE + ALIGN_MASK) & ~ALIGN_MASK;
}

/** Size class of a small block size (a multiple of 16, at most SMALL_LIMIT). */
export function classOf(block: usize): usize {
  if (block <= 512) return (block >> 4) - 1; // 0..31
  const log = <usize>(31 - clz<u32>(<u32>block - 1)); // block in (2^log, 2^(log+1)], log 9..13
  const quarter = (<usize>1 << log) >> 2;
  const sub = (block - (<usize>1 << log) - 1) / quarter; // 0..3
  return 32 + (log - 9) * 4 + sub;
}

/** The block size every member of a class has. */
export function classSize(cls: usize): usize {
  if (cls < 32) return (cls + 1) << 4;
  const log = (cls - 32) / 4 + 9;
  const sub = (cls - 32) & 3;
  return (<usize>1 << log) + (sub + 1) * ((<usize>1 << log) >> 2);
}

/**
 * Per class, for the collector's address-to-block lookup: {block size, ceil(2^32 / size), blocks per page}. Shared
 * static data, written once by heapInit. (offset * reciprocal) >> 32 is exact division here: offsets are below 2^16
 * and sizes at most 2^14, so offset * size < 2^32.)
 */
const CLASS_TABLE: usize = memory.data(<i32>SMALL_CLASSES * 12);

/** Byte address of class `cls`'s entry in the class table. */
// @ts-ignore: decorator
@inline export function classEntry(cls: usize): usize {
  return CLASS_TABLE + cls * 12;
}

/** Blocks in a small page of the class. */
// @ts-ignore: decorator
@inline export function blocksPerPage(size: usize): usize {
  return (PAGE_SIZE - FIRST_BLOCK) / size;
}

// @ts-ignore: decorator
@inline export function pageDesc(page: usize): u32 {
  return load<u32>(load<usize>(GC_PAGE_TABLE) + ((page >> PAGE_SHIFT) << 2));
}

// @ts-ignore: decorator
@inline export function setPageDesc(page: usize, desc: u32): void {
  store<u32>(load<usize>(GC_PAGE_TABLE) + ((page >> PAGE_SHIFT) << 2), desc);
}

/** This worker's cache: 2 x SMALL_CLASSES entries of {head: u32, count: u32}; 0 until the worker has booted. */
let cache: usize = 0; // per worker
/** This worker's i64 count of bytes in use (in its shared statistics block). */
let inUseCounter: usize = 0; // per worker
/** Bytes this worker may still allocate before it reports to GC_ALLOCATED. */
let budget: i64 = BUDGET_CHUNK; // per worker
/**
 * F_MARK while a collection marks between its pauses, else 0: a guest object allocated meanwhile is born marked
 * (black), so the sweep keeps it; its children are shaded by the write barrier as they are stored (memory/gc.ts).
 * Changed only while the world is stopped, by the collector for itself and by each worker as it re-enters.
 */
let newObjectMark: u32 = 0; // per worker
/**
 * A collection sweeps between its pauses, and [sweepFrom, sweepTo) is where it has yet to go: pages handed out there
 * are flagged FRESH (the sweep would take their blocks for garbage or for free ones), and no guest object's block is
 * freed (it may lie there too). Same rule of change as newObjectMark.
 */
let sweeping: bool = false; // per worker
let sweepFrom: usize = 0; // per worker
let sweepTo: usize = 0; // per worker

/** What this worker's allocator must respect of a collection under way (memory/gc.ts). */
export function setCollectionPhase(marking: bool, sweepingNow: bool, from: usize, to: usize): void {
  const before = newObjectMark != 0 || sweeping;
  newObjectMark = marking ? F_MARK : 0;
  sweeping = sweepingNow;
  sweepFrom = from;
  sweepTo = to;
  const now = marking || sweepingNow;
  if (now != before) { // the budget's chunk changes: count what was spent of the old one, start a new one
    const spent = (before ? STEP_BUDGET : BUDGET_CHUNK) - budget;
    if (spent > 0) atomic.add<u32>(GC_ALLOCATED, <u32>spent);
    budget = now ? STEP_BUDGET : BUDGET_CHUNK;
  }
}

/** Run once by the worker that initialises the memory. */
export function heapInit(heapBase: usize): void {
  // The page table and the worker records sit between the static data and the first page of the heap.
  const table = (heapBase + ALIGN_MASK) & ~ALIGN_MASK;
  const records = table + ((<usize>1 << (32 - PAGE_SHIFT)) << 2);
  const start = (records + <usize>MAX_WORKERS * WR_SIZE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  if (!ensureMemory(start)) unreachable();
  memory.fill(table, 0, start - table);
  atomic.store<u32>(GC_PAGE_TABLE, <u32>table);
  atomic.store<u32>(GC_WORKER_RECORDS, <u32>records);
  atomic.store<u32>(GC_STATIC_END, <u32>heapBase);
  atomic.store<u32>(HEAP_START, <u32>start);
  atomic.store<u32>(HEAP_TOP, <u32>start);
  atomic.store<u32>(HEAP_IN_USE, 0);
  atomic.store<u32>(GC_FREE_SPANS, 0);
  atomic.store<u32>(GC_ALLOCATED, 0);
  atomic.store<u32>(GC_TRIGGER, MIN_TRIGGER);
  for (let i: usize = 0; i < SIZE_CLASSES; i++) atomic.store<u64>(FREE_LISTS + i * 8, 0);
  for (let cls: usize = 0; cls < SMALL_CLASSES; cls++) {
    const size = classSize(cls);
    const e = classEntry(cls);
    store<u32>(e, <u32>size);
    store<u32>(e, <u32>((((<u64>1) << 32) + <u64>size - 1) / <u64>size), 4);
    store<u32>(e, <u32>blocksPerPage(size), 8);
  }
}

/** This worker's collector record. */
export function workerRecord(index: u32): usize {
  return <usize>atomic.load<u32>(GC_WORKER_RECORDS) + <usize>index * WR_SIZE;
}

/** Gives this worker a block cache; `counter` is where it counts its bytes in use. False when out of memory. */
export function heapAttachWorker(index: u32, counter: usize): bool {
  const bytes = SMALL_CLASSES * 2 * 8;
  const c = heapAlloc(bytes);
  if (c == 0) return false;
  setNoScan(c);
  memory.fill(c, 0, bytes);
  cache = c;
  inUseCounter = counter;
  atomic.store<u32>(workerRecord(index) + WR_CACHE, <u32>c);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared batch lists

function popBatch(list: usize): usize {
  const head = FREE_LISTS + list * 8;
  while (true) {
    const old = atomic.load<u64>(head);
    const batch = <usize>(<u32>old);
    if (batch == 0) return 0;
    // The batch may have been pushed, after this worker's last look, from pages another worker has just grown the
    // memory for (the grow is counted before the push): without this, reading it can trap out of bounds (seen
    // once with 64 workers booting at once). One load and a compare when nothing grew.
    syncMemoryView();
    // May read a batch another worker just popped and reused: harmless, the tag makes the exchange fail.
    const next = <u64>atomic.load<u32>(batch + HEADER_SIZE + 4);
    const replacement = (((old >> 32) + 1) << 32) | next;
    if (atomic.cmpxchg<u64>(head, old, replacement) == old) return batch;
  }
}

/** Pushes the chain starting at `first` (`count` blocks, linked through word 0) as one batch. */
export function pushBatch(list: usize, first: usize, count: u32): void {
  const head = FREE_LISTS + list * 8;
  store<u32>(first + HEADER_SIZE + 8, count);
  while (true) {
    const old = atomic.load<u64>(head);
    atomic.store<u32>(first + HEADER_SIZE + 4, <u32>old);
    const replacement = (((old >> 32) + 1) << 32) | <u64>first;
    if (atomic.cmpxchg<u64>(head, old, replacement) == old) return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

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

function spanUnlink(p: usize): void {
  const next = <usize>load<u32>(p);
  const prev = <usize>load<u32>(p, 4);
  if (prev != 0) store<u32>(prev, <u32>next);
  else store<u32>(GC_FREE_SPANS, <u32>next);
  if (next != 0) store<u32>(next, <u32>prev, 4);
}

/** Records the free span [p, p + n pages) and puts it on the list. Under GC_PAGE_LOCK. */
function spanInsert(p: usize, n: usize): void {
  setPageDesc(p, (PK_FREE << 28) | <u32>n);
  for (let i: usize = 1; i < n; i++) setPageDesc(p + (i << PAGE_SHIFT), (PK_FREE_REST << 28) | <u32>n);
  const head = <usize>load<u32>(GC_FREE_SPANS);
  store<u32>(p, <u32>head);
  store<u32>(p, 0, 4);
  if (head != 0) store<u32>(head, <u32>p, 4);
  store<u32>(GC_FREE_SPANS, <u32>p);
}

/**
 * Takes `n` contiguous pages (a free span first fit, else new memory) and describes them (`desc` for the first, tails
 * after it); 0 when the memory is full. The descriptors are written under the lock: a worker freeing a neighbour
 * reads them to merge, and must never see these pages still described as free.
 */
function allocPages(n: usize, desc: u32): usize {
  lock(GC_PAGE_LOCK);
  syncMemoryView(); // a free span may lie in memory another worker grew
  for (let p = <usize>load<u32>(GC_FREE_SPANS); p != 0; p = <usize>load<u32>(p)) {
    const have = <usize>(pageDesc(p) & PD_VALUE);
    if (have < n) continue;
    spanUnlink(p);
    if (have > n) spanInsert(p + (n << PAGE_SHIFT), have - n);
    store<u32>(GC_PAGES_FREE, load<u32>(GC_PAGES_FREE) - <u32>n);
    store<u32>(GC_PAGES_USED, load<u32>(GC_PAGES_USED) + <u32>n);
    describePages(p, n, sweeping && p >= sweepFrom && p < sweepTo ? desc | PD_FRESH : desc);
    unlock(GC_PAGE_LOCK);
    return p;
  }
  const top = <usize>atomic.load<u32>(HEAP_TOP);
  const end = top + (n << PAGE_SHIFT);
  if (end <= top || end > 0xffff0000 || !ensureMemory(end)) { unlock(GC_PAGE_LOCK); return 0; }
  atomic.store<u32>(HEAP_TOP, <u32>end);
  store<u32>(GC_PAGES_USED, load<u32>(GC_PAGES_USED) + <u32>n);
  describePages(top, n, desc);
  unlock(GC_PAGE_LOCK);
  return top;
}

function describePages(p: usize, n: usize, desc: u32): void {
  setPageDesc(p, desc);
  for (let i: usize = 1; i < n; i++) setPageDesc(p + (i << PAGE_SHIFT), (PK_TAIL << 28) | <u32>i);
}

/** Gives back pages [p, p + n), merging with free neighbours. */
export function freePages(p: usize, n: usize): void {
  lock(GC_PAGE_LOCK);
  syncMemoryView(); // its neighbours' links may lie in memory another worker grew
  store<u32>(GC_PAGES_FREE, load<u32>(GC_PAGES_FREE) + <u32>n);
  store<u32>(GC_PAGES_USED, load<u32>(GC_PAGES_USED) - <u32>n);
  const top = <usize>atomic.load<u32>(HEAP_TOP);
  const right = p + (n << PAGE_SHIFT);
  if (right < top && (pageDesc(right) >> 28) == PK_FREE) {
    n += <usize>(pageDesc(right) & PD_VALUE);
    spanUnlink(right);
  }
  const start = <usize>atomic.load<u32>(HEAP_START);
  if (p > start) {
    const left = pageDesc(p - PAGE_SIZE);
    const kind = left >> 28;
    if (kind == PK_FREE || kind == PK_FREE_REST) {
      const m = <usize>(left & PD_VALUE);
      const head = kind == PK_FREE ? p - PAGE_SIZE : p - (m << PAGE_SHIFT);
      spanUnlink(head);
      p = head;
      n += m;
    }
  }
  spanInsert(p, n);
  unlock(GC_PAGE_LOCK);
}

/** A fresh page of small blocks of `list` (a class, + SMALL_CLASSES for managed), chained; 0 when out of memory. */
function carvePage(list: usize): usize {
  const managed = list >= SMALL_CLASSES;
  const cls = managed ? list - SMALL_CLASSES : list;
  // Described before its blocks are written: harmless, no one else looks at a page's blocks outside a collection.
  const page = allocPages(1, (PK_SMALL << 28) | (managed ? PD_MANAGED : 0) | <u32>cls);
  if (page == 0) return 0;
  const size = classSize(cls);
  const n = blocksPerPage(size);
  let b = page + FIRST_BLOCK;
  for (let i: usize = 0; i < n; i++, b += size) {
    store<u32>(b, <u32>size);
    store<u32>(b + HEADER_SIZE, i + 1 < n ? <u32>(b + size) : 0);
  }
  store<u32>(page + FIRST_BLOCK + HEADER_SIZE + 8, <u32>n); // the batch's length
  return page + FIRST_BLOCK;
}

// ---------------------------------------------------------------------------------------------------------------
// Allocation

/** Counts `bytes` against this worker's budget; past it, reports to GC_ALLOCATED and requests a collection. */
// @ts-ignore: decorator
@inline function account(bytes: usize): void {
  budget -= <i64>bytes;
  if (budget < 0) reportAllocation();
}

function reportAllocation(): void {
  const chunk = newObjectMark != 0 || sweeping ? STEP_BUDGET : BUDGET_CHUNK;
  const used = <u32>(chunk - budget);
  budget = chunk;
  const total = atomic.add<u32>(GC_ALLOCATED, used) + used;
  if (newObjectMark != 0 || sweeping) requestCollection(); // a collection is under way: its next step (memory/gc.ts)
  else if (total >= atomic.load<u32>(GC_TRIGGER) && atomic.load<u32>(GC_DISABLED) == 0) requestCollection();
}

/** Asks every worker to stop at its next scheduling point for a collection (no-op when one is pending). */
export function requestCollection(): void {
  atomic.cmpxchg<u32>(GC_STATE, GC_IDLE, GC_REQUESTED);
}

/** A raw block with at least `size` payload bytes; returns its payload address, or 0 when out of memory. */
export function heapAlloc(size: usize): usize {
  return allocBlock(size, 0);
}

/** A block for a guest object (traced and swept by the collector); 0 when out of memory. */
export function heapAllocManaged(size: usize): usize {
  return allocBlock(size, SMALL_CLASSES);
}

// @ts-ignore: decorator
@inline function allocBlock(size: usize, kind: usize): usize {
  if (size > SMALL_LIMIT - HEADER_SIZE) return largeAlloc(size, kind != 0);
  const cls = classOf(blockSizeFor(size));
  const list = cls + kind;
  if (cache == 0) return sharedAlloc(list); // before this worker has booted
  const slot = cache + list * 8;
  let block = <usize>load<u32>(slot);
  if (block == 0) {
    block = refill(list, slot);
    if (block == 0) return 0;
  }
  store<u32>(slot, load<u32>(block + HEADER_SIZE));
  store<u32>(slot, load<u32>(slot, 4) - 1, 4);
  const blockSize = classSize(cls);
  store<u32>(block, <u32>blockSize | F_ALLOCATED | (kind != 0 ? F_MANAGED | newObjectMark : 0));
  store<i64>(inUseCounter, load<i64>(inUseCounter) + <i64>blockSize);
  if (kind != 0) account(blockSize); // only guest objects make garbage: runtime records are freed explicitly
  return block + HEADER_SIZE;
}

/** Fills an empty cache: one batch of the shared list, or a fresh page. */
function refill(list: usize, slot: usize): usize {
  let first = popBatch(list); // it refreshes the memory view before it reads a batch
  // While a collection sweeps, sweep pages before taking a new one: a thread that allocates without reaching a
  // scheduling point would otherwise take every page it needs from the top of the heap while the sweep waits.
  for (let i = 0; first == 0 && sweeping && i < SWEEP_ASSIST_PAGES && sweepNextPage(); i++) first = popBatch(list);
  if (first == 0) first = carvePage(list);
  if (first == 0) return 0;
  store<u32>(slot, <u32>first);
  store<u32>(slot, load<u32>(first + HEADER_SIZE + 8), 4);
  return first;
}

/** The shared path for small blocks before a worker has a cache (at boot). */
function sharedAlloc(list: usize): usize {
  let first = popBatch(list); // it refreshes the memory view before it reads a batch
  if (first == 0) first = carvePage(list);
  if (first == 0) return 0;
  const count = load<u32>(first + HEADER_SIZE + 8);
  if (count > 1) {
    const rest = <usize>load<u32>(first + HEADER_SIZE);
    pushBatch(list, rest, count - 1);
  }
  const managed = list >= SMALL_CLASSES;
  const blockSize = classSize(managed ? list - SMALL_CLASSES : list);
  store<u32>(first, <u32>blockSize | F_ALLOCATED | (managed ? F_MANAGED | newObjectMark : 0));
  atomic.add<u32>(HEAP_IN_USE, <u32>blockSize);
  return first + HEADER_SIZE;
}

/** A block of whole pages, from FIRST_BLOCK: its header's size is pages * 64 KiB - 256 (payload capacity: that minus 4). */
function largeAlloc(size: usize, managed: bool): usize {
  if (size > LARGEST) return 0;
  for (let i = 0; sweeping && i < SWEEP_ASSIST_PAGES && sweepNextPage(); i++) {} // as refill does
  const n = (size + FIRST_BLOCK + 2 * HEADER_SIZE + PAGE_SIZE - 1) >> PAGE_SHIFT;
  const page = allocPages(n, (PK_LARGE << 28) | (managed ? PD_MANAGED : 0) | <u32>n);
  if (page == 0) return 0;
  const blockSize = (n << PAGE_SHIFT) - (FIRST_BLOCK + HEADER_SIZE); // a multiple of 16: the payload is aligned
  const block = page + FIRST_BLOCK;
  store<u32>(block, <u32>blockSize | F_ALLOCATED | (managed ? F_MANAGED | newObjectMark : 0));
  atomic.add<u32>(HEAP_IN_USE, <u32>blockSize);
  if (managed) account(blockSize);
  return block + HEADER_SIZE;
}

// ---------------------------------------------------------------------------------------------------------------
// Sweeping. memory/gc.ts starts a sweep when marking ends; the collector sweeps pages in its pauses and allocating
// workers sweep some in between (refill, largeAlloc). Whoever advances GC_SWEEP_CURSOR past a page sweeps it.

/** Pages an allocation sweeps, at most, before it takes a new page while a collection sweeps. */
// @ts-ignore: decorator
@inline const SWEEP_ASSIST_PAGES: i32 = 64;

/** Claims the page (or large run) at the sweep's cursor and sweeps it; false when the sweep has reached its end. */
export function sweepNextPage(): bool {
  syncMemoryView(); // the sweep's pages may lie in memory another worker grew
  let page: usize, desc: u32;
  while (true) {
    page = <usize>atomic.load<u32>(GC_SWEEP_CURSOR);
    if (page >= <usize>atomic.load<u32>(GC_SWEEP_END)) return false;
    desc = pageDesc(page);
    const next = page + ((desc >> 28) == PK_LARGE ? <usize>(desc & PD_VALUE) << PAGE_SHIFT : PAGE_SIZE);
    if (atomic.cmpxchg<u32>(GC_SWEEP_CURSOR, <u32>page, <u32>next) == <u32>page) break;
  }
  // Read again: a large block may have been freed meanwhile (its pages are then free, or FRESH once reused).
  desc = pageDesc(page);
  if ((desc & (PD_FRESH | PD_MANAGED)) != PD_MANAGED) return true; // new since the sweep began, or raw
  if ((desc >> 28) == PK_LARGE) {
    const block = page + FIRST_BLOCK;
    const h = load<u32>(block);
    const size = h & SIZE_MASK;
    if (h & F_MARK) {
      store<u32>(block, h & ~F_MARK);
      atomic.add<u32>(GC_SWEEP_LIVE_MANAGED, size);
      atomic.add<u32>(GC_SWEEP_LIVE_OBJECTS, 1);
    } else if (h & F_ALLOCATED) {
      store<u32>(block, size);
      atomic.sub<u32>(HEAP_IN_USE, size);
      freePages(page, <usize>(desc & PD_VALUE));
    }
    return true;
  }
  if ((desc >> 28) != PK_SMALL) return true;
  const cls = <usize>(desc & PD_VALUE);
  const size = classSize(cls);
  const n = blocksPerPage(size);
  let used: u32 = 0;
  let freed: u64 = 0;
  let block = page + FIRST_BLOCK;
  for (let i: usize = 0; i < n; i++, block += size) {
    const h = load<u32>(block);
    if (h & F_MARK) {
      store<u32>(block, h & ~F_MARK);
      used++;
    } else if (h & F_ALLOCATED) {
      store<u32>(block, <u32>size);
      freed += size;
    }
  }
  if (freed != 0) atomic.add<u64>(GC_SWEEP_FREED, freed);
  atomic.add<u32>(GC_SWEEP_LIVE_MANAGED, used * <u32>size);
  atomic.add<u32>(GC_SWEEP_LIVE_OBJECTS, used);
  if (used == 0) freePages(page, 1);
  else if (used < <u32>n) chainFreeBlocks(page, cls + SMALL_CLASSES, size, n);
  return true;
}

/**
 * Clears the FRESH flag of every page in [from, to) (the sweep is over). A worker flags pages against the cursor it
 * saw when it last entered the mutator, and others may have swept past it since: those flags the sweep never met.
 */
export function clearFreshPages(from: usize, to: usize): void {
  for (let page = from; page < to; page += PAGE_SIZE) {
    const desc = pageDesc(page);
    if (desc & PD_FRESH) setPageDesc(page, desc & ~PD_FRESH);
  }
}

/** Pushes the page's free blocks onto the shared list `list` in batches of at most BATCH_MAX, in address order. */
export function chainFreeBlocks(page: usize, list: usize, size: usize, n: usize): void {
  let chain: usize = 0;
  let count: u32 = 0;
  let block = page + FIRST_BLOCK + (n - 1) * size;
  for (let i: usize = 0; i < n; i++, block -= size) {
    if (load<u32>(block) & F_ALLOCATED) continue;
    store<u32>(block + HEADER_SIZE, <u32>chain);
    chain = block;
    if (++count == BATCH_MAX) { pushBatch(list, chain, count); chain = 0; count = 0; }
  }
  if (count != 0) pushBatch(list, chain, count);
}

// ---------------------------------------------------------------------------------------------------------------
// Freeing

export function heapFree(ptr: usize): void {
  const block = ptr - HEADER_SIZE;
  const blockSize = <usize>(load<u32>(block) & SIZE_MASK);
  const desc = pageDesc(block);
  if (desc >> 28 == PK_LARGE) {
    store<u32>(block, <u32>blockSize);
    atomic.sub<u32>(HEAP_IN_USE, <u32>blockSize);
    freePages(block - FIRST_BLOCK, <usize>(desc & PD_VALUE));
    return;
  }
  store<u32>(block, <u32>blockSize); // free: no flags
  const list = <usize>(desc & PD_VALUE) + ((desc & PD_MANAGED) != 0 ? SMALL_CLASSES : 0);
  if (cache == 0) {
    atomic.sub<u32>(HEAP_IN_USE, <u32>blockSize);
    store<u32>(block + HEADER_SIZE, 0);
    pushBatch(list, block, 1);
    return;
  }
  store<i64>(inUseCounter, load<i64>(inUseCounter) - <i64>blockSize);
  const slot = cache + list * 8;
  store<u32>(block + HEADER_SIZE, load<u32>(slot));
  store<u32>(slot, <u32>block);
  const count = load<u32>(slot, 4) + 1;
  store<u32>(slot, count, 4);
  if (count > CACHE_LIMIT) giveBackHalf(list, slot, count);
}

/** Keeps CACHE_LIMIT / 2 blocks of the class and pushes the rest onto the shared list as one batch. */
function giveBackHalf(list: usize, slot: usize, count: u32): void {
  let keepLast = <usize>load<u32>(slot);
  for (let i: u32 = 1; i < CACHE_LIMIT / 2; i++) keepLast = <usize>load<u32>(keepLast + HEADER_SIZE);
  const first = <usize>load<u32>(keepLast + HEADER_SIZE);
  store<u32>(keepLast + HEADER_SIZE, 0);
  store<u32>(slot, CACHE_LIMIT / 2, 4);
  pushBatch(list, first, count - CACHE_LIMIT / 2);
}

/** Empties a worker's cache `c` (the collector does this for every worker while all are stopped, then rebuilds the lists). */
export function dropCache(c: usize): void {
  if (c != 0) memory.fill(c, 0, SMALL_CLASSES * 2 * 8);
}

// ---------------------------------------------------------------------------------------------------------------
// Block queries

/** Payload bytes a block can hold. */
export function heapCapacity(ptr: usize): usize {
  return <usize>(load<u32>(ptr - HEADER_SIZE) & SIZE_MASK) - HEADER_SIZE;
}

/**
 * While a collection is under way, may a guest object's block be freed now (else the sweep frees it)? While it
 * marks: if the block is unmarked, for only marked objects are on the mark stack and the grey logs. While it sweeps:
 * a large block (its pages become a free span, which the sweep passes by), or a small one on a page the sweep has
 * passed or will not visit (ahead of it the sweep would chain the block a second time, or free it once reused).
 * Arrays that grow while a collection runs would otherwise leave every old buffer to the next one (17 MB at once).
 */
function mayFreeDuringCollection(block: usize, header: u32): bool {
  if (newObjectMark != 0) return (header & F_MARK) == 0;
  if ((pageDesc(block) >> 28) == PK_LARGE) return true;
  return block < sweepFrom || block >= sweepTo;
}

/**
 * Resizes a block, moving it when it does not fit; 0 when out of memory (the old block is then untouched). While a
 * collection is under way, a moved guest object's old block may have to be left to the sweep instead of freed
 * (mayFreeDuringCollection).
 */
export function heapRealloc(ptr: usize, size: usize): usize {
  const capacity = heapCapacity(ptr);
  if (size <= capacity) return ptr;
  const header = load<u32>(ptr - HEADER_SIZE);
  const moved = (header & F_MANAGED) != 0 ? heapAllocManaged(size) : heapAlloc(size);
  if (moved == 0) return 0;
  memory.copy(moved, ptr, capacity);
  if ((header & F_MANAGED) == 0) { // a raw block keeps its scan mode
    const dst = moved - HEADER_SIZE;
    store<u32>(dst, load<u32>(dst) | (header & (F_SCAN_ASYNCIFY | F_NO_SCAN)));
  } else if ((newObjectMark != 0 || sweeping) && !mayFreeDuringCollection(ptr - HEADER_SIZE, header)) {
    return moved;
  }
  heapFree(ptr);
  return moved;
}

/** The collector never scans this raw block (it holds no references to guest objects). */
export function setNoScan(ptr: usize): void {
  store<u32>(ptr - HEADER_SIZE, load<u32>(ptr - HEADER_SIZE) | F_NO_SCAN);
}

/** The collector scans only the live part of this shadow stack: [load(ptr), end of the block). */
export function setScanShadow(ptr: usize): void {
  store<u32>(ptr - HEADER_SIZE, load<u32>(ptr - HEADER_SIZE) | F_SCAN_SHADOW);
}

/** The collector scans only the frames of this saved stack: [ptr + SAVED_FRAMES, load(ptr)). */
export function setScanAsyncify(ptr: usize): void {
  store<u32>(ptr - HEADER_SIZE, load<u32>(ptr - HEADER_SIZE) | F_SCAN_ASYNCIFY);
}

export function heapReserved(): usize {
  return <usize>atomic.load<u32>(HEAP_TOP) - <usize>atomic.load<u32>(HEAP_START);
}

// @ts-ignore
if (PAGE_SIZE != (<usize>1 << PAGE_SHIFT)) ERROR("vthreads: PAGE_SIZE (memory/layout.ts) must be 1 << PAGE_SHIFT");
