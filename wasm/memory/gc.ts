// The collector: stop the world at a global safepoint, mark conservatively from the roots and precisely through the
// heap, sweep. Design and reasons: docs/design.md, "Garbage collection".
//
// Safepoint protocol. Each worker has a mutator state in its collector record (memory/heap.ts, WR_STATE): ACTIVE
// while it runs Wasm code that may touch the heap (`__vt_run`, boot, `_start`, the host lowering a call), OUTSIDE
// otherwise (idle in its JS event loop), STOPPED while it waits at a safepoint. A collection is requested by setting
// GC_STATE to REQUESTED (the allocator does it after GC_TRIGGER bytes). A worker that passes a scheduling point
// (between two threads in the scheduler loop) with a request pending claims the collection (REQUESTED ->
// COLLECTING) or, if another worker has, stops. The collector waits until no other worker is ACTIVE: an idle worker
// counts as stopped without waking up. Entering the mutator stores ACTIVE and then re-reads GC_STATE (sequentially
// consistent, like the collector's store of COLLECTING and its loads of the states), so either the collector sees the
// worker ACTIVE and waits for it, or the worker sees COLLECTING and steps back until the collection is over.
//
// Roots, all scanned conservatively (any word that points into a live managed block keeps it):
//  - every allocated raw block: thread records (arguments), saved Asyncify stacks (every live local of every parked
//    thread: only their used part; with JSPI, the live part of every thread's shadow stack), root-call frames (arguments and results the host has not read), the pin table,
//    and each worker's published globals; blocks flagged NO_SCAN (scratch stacks, caches, the mark stack) are skipped;
//  - the static data (`memory.data` cells, static arrays whose buffers were reallocated).
// Wasm globals are per instance: each worker publishes its managed globals (the compiler's `__visit_globals`) into a
// raw block of its own whenever it leaves the mutator or stops, so the collector sees every worker's globals.
// The heap is traced precisely with the compiler-generated `__visit_members`.
//
// Parallel collection. The collecting worker opens two phases in turn, MARK and SWEEP, each behind a gate (layout.ts,
// GC_MARK_GATE): every worker stopped at the safepoint, or waiting to re-enter the mutator, joins the open phase
// instead of sleeping. Marking: root items (64 KiB of static data, or 16 heap pages) are claimed with an atomic
// cursor; each marker traces from its own mark stack, and a marker with a long stack publishes half of it as a packet
// on a shared pool when another marker is hungry. Marking ends when no marker is busy and the pool is empty (under
// GC_MARK_LOCK). The mark bit is set with a plain store: two markers may both trace one object, which is harmless
// (objects are counted by the sweep, not by the marking). Sweeping: 16-page chunks claimed with a cursor; the shared
// free lists are lock-free and the page spans are under GC_PAGE_LOCK, so sweepers only sum their counts at the end.

import { PINNED_WORKERS, HEAP_START, HEAP_TOP, HEAP_IN_USE, GC_STATE, GC_COUNT, GC_ALLOCATED, GC_TRIGGER, GC_LIVE_BYTES,
         GC_LIVE_OBJECTS, GC_FREED_BYTES, GC_PAUSE_TOTAL_MS, GC_PAUSE_MAX_MS, GC_PAUSE_LAST_MS, GC_STATIC_END,
         GC_SKIPPED, GC_SAFEPOINT_MAX_MS, GC_LIVE_MANAGED_BYTES, FREE_LISTS, MAX_WORKERS, MEMORY_BASE, GC_MARK_GATE,
         GC_SWEEP_GATE, GC_GATE_SEQ, GC_ROOT_CURSOR, GC_ROOT_ITEMS, GC_SWEEP_CURSOR, GC_SWEEP_ITEMS, GC_SCAN_LO,
         GC_SCAN_HI, GC_MARK_LOCK, GC_MARK_POOL, GC_MARK_POOL_LEN, GC_MARK_SPARE, GC_MARK_BUSY, GC_MARK_DONE,
         GC_MARK_HUNGRY, GC_MARK_OVERFLOW, GC_HELPERS_TOTAL, GC_SUM_RAW, GC_SUM_MANAGED, GC_SUM_FREED,
         GC_SUM_OBJECTS, GC_OWN_BYTES } from "./layout";
import { GC_IDLE, GC_REQUESTED, GC_COLLECTING, PAGE_SIZE } from "./layout";
import { HEADER_SIZE, F_ALLOCATED, F_MANAGED, F_MARK, F_SCAN_ASYNCIFY, F_NO_SCAN, F_SCAN_SHADOW, SIZE_MASK, PAGE_SHIFT,
         FIRST_BLOCK, PK_SMALL, PK_LARGE, PD_MANAGED, PD_VALUE, SMALL_CLASSES, BATCH_MAX, MIN_TRIGGER,
         WR_STATE, WR_CACHE, WR_GLOBALS, WR_FLAGS, classSize, classEntry, blocksPerPage, pageDesc, pushBatch, freePages,
         dropCache, heapAlloc, heapFree, heapCapacity, heapRealloc, setNoScan, workerRecord } from "./heap";
import { lock, unlock } from "./spinlock";
import { syncMemoryView } from "./view";

// @ts-ignore: decorator
@external("vthreads", "now")
declare function clockNow(): f64;

// Mutator states (WR_STATE).
// @ts-ignore: decorator
@inline const MS_OUTSIDE: u32 = 0;
// @ts-ignore: decorator
@inline const MS_ACTIVE: u32 = 1;
// @ts-ignore: decorator
@inline const MS_STOPPED: u32 = 2;

/** WR_FLAGS: the worker's last publication of its globals is incomplete (no memory for them). */
// @ts-ignore: decorator
@inline const WF_GLOBALS_LOST: u32 = 1;

// `__visit` cookies.
// @ts-ignore: decorator
@inline export const COOKIE_MARK: u32 = 0;
// @ts-ignore: decorator
@inline export const COOKIE_PUBLISH: u32 = 1;

/** The managed object's address is its block + 4 (block header) + 16 (gcInfo, gcInfo2, rtId, rtSize). */
// @ts-ignore: decorator
@inline const OBJECT_OFFSET: usize = HEADER_SIZE + 16;

// @ts-ignore: decorator
@inline const INITIAL_GLOBALS: usize = 256;
/** Entries of a worker's mark stack when first made (it doubles when full): one heap page, and more than a packet. */
// @ts-ignore: decorator
@inline const INITIAL_MARK_STACK: usize = (PAGE_SIZE - 20) >> 2;
/** Entries of a packet of the mark pool: a packet (8-byte header + entries) is one heap page. */
// @ts-ignore: decorator
@inline const PACKET_ENTRIES: usize = 16000;
/** A marker publishes half of its stack only when it holds at least this many entries. */
// @ts-ignore: decorator
@inline const SHARE_MIN: usize = 64;
/** Root items: static data is scanned in chunks of this many bytes; heap pages (roots and sweep) in runs of CHUNK_PAGES. */
// @ts-ignore: decorator
@inline const STATIC_CHUNK: usize = 64 << 10;
// @ts-ignore: decorator
@inline const CHUNK_PAGES: usize = 16;
// Gate words: {collection number mod 2^16 : 16, OPEN : 1, workers inside : 15}.
// @ts-ignore: decorator
@inline const GATE_OPEN: u32 = 0x8000;
// @ts-ignore: decorator
@inline const GATE_COUNT: u32 = 0x7fff;

/** This worker's collector record (a Wasm global: per worker). */
let record: usize = 0; // per worker
let workerIndex: u32 = 0; // per worker
/** Entries written by this worker's last publication of its globals. */
let published: usize = 0; // per worker
/** The publication ran out of room in the globals block. */
let publishOverflow: bool = false; // per worker

// Marking and sweeping state of this worker, whether it collects or helps (only while the world is stopped).
let heapLo: usize = 0; // per worker
let heapHi: usize = 0; // per worker
/** This worker's mark stack (a raw NO_SCAN block kept between collections), its capacity and its depth. */
let markStack: usize = 0; // per worker
let markCap: usize = 0; // per worker
let markTop: usize = 0; // per worker
/** Objects traced since this marker last looked whether another one is hungry. */
let traced: u32 = 0; // per worker
let liveRawBytes: u64 = 0; // per worker

/** Registers this worker (at boot, before it allocates) and enters the mutator. False when out of memory. */
export function gcAttachWorker(index: u32): bool {
  workerIndex = index;
  record = workerRecord(index);
  mutatorEnter();
  const g = heapAlloc(INITIAL_GLOBALS << 2);
  if (g == 0) return false;
  memory.fill(g, 0, INITIAL_GLOBALS << 2);
  atomic.store<u32>(record + WR_GLOBALS, <u32>g);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The mutator protocol

/**
 * Before this worker runs code that may allocate or hold guest references: waits out a collection in progress,
 * helping it meanwhile (this worker holds no references then: its globals were published when it left).
 */
export function mutatorEnter(): void {
  while (true) {
    atomic.store<u32>(record + WR_STATE, MS_ACTIVE);
    if (atomic.load<u32>(GC_STATE) != GC_COLLECTING) return;
    atomic.store<u32>(record + WR_STATE, MS_OUTSIDE);
    atomic.notify(record + WR_STATE);
    help();
  }
}

/** This worker stops touching the heap (idle, or back in its JS event loop): publish its globals first. */
export function mutatorLeave(): void {
  publishGlobals();
  atomic.store<u32>(record + WR_STATE, MS_OUTSIDE);
  if (atomic.load<u32>(GC_STATE) == GC_COLLECTING) atomic.notify(record + WR_STATE);
}

/** A collection is requested or running: true at a scheduling point means "stop here" (checkpoint() yields). */
// @ts-ignore: decorator
@inline export function gcPending(): bool {
  return atomic.load<u32>(GC_STATE) != GC_IDLE;
}

/**
 * The scheduling point: called between two threads when `gcPending()`. No thread runs on this worker, so every
 * guest reference it has is in a saved stack, a runtime record or its globals. Collects, or helps the collector.
 */
export function safepoint(): void {
  // A pinned worker's references are in Wasm locals no collector can see: no collection starts during a pin.
  if (atomic.load<i32>(PINNED_WORKERS) != 0 && atomic.load<u32>(GC_STATE) == GC_REQUESTED) return;
  if (atomic.cmpxchg<u32>(GC_STATE, GC_REQUESTED, GC_COLLECTING) == GC_REQUESTED) {
    collect();
    return;
  }
  if (atomic.load<u32>(GC_STATE) != GC_COLLECTING) return;
  publishGlobals();
  atomic.store<u32>(record + WR_STATE, MS_STOPPED);
  atomic.notify(record + WR_STATE);
  help();
  mutatorEnter(); // another collection may have begun already: enter as any worker would
}

/**
 * Joins the phases of the collection in progress as they open, until it ends. The collection is known by GC_COUNT
 * (the number of collections completed when it began): a gate of another collection is never joined.
 */
function help(): void {
  const epoch = atomic.load<u32>(GC_COUNT);
  let marked = false, swept = false;
  while (true) {
    const seq = atomic.load<u32>(GC_GATE_SEQ);
    if (atomic.load<u32>(GC_STATE) != GC_COLLECTING || atomic.load<u32>(GC_COUNT) != epoch) return;
    if (!marked && enterGate(GC_MARK_GATE, epoch)) {
      marked = true;
      atomic.add<u32>(GC_HELPERS_TOTAL, 1);
      if (joinMarking()) markPhase();
      leaveGate(GC_MARK_GATE);
      continue;
    }
    if (!swept && enterGate(GC_SWEEP_GATE, epoch)) {
      swept = true;
      sweepPhase();
      leaveGate(GC_SWEEP_GATE);
      continue;
    }
    // Woken when a gate opens (GC_GATE_SEQ) or the collection ends (the collector bumps the sequence then too).
    atomic.wait<u32>(GC_GATE_SEQ, seq, 10_000_000);
  }
}

/** Enters the gate if it is open for collection `epoch`. */
function enterGate(gate: usize, epoch: u32): bool {
  while (true) {
    const g = atomic.load<u32>(gate);
    if ((g >> 16) != (epoch & 0xffff) || (g & GATE_OPEN) == 0) return false;
    if (atomic.cmpxchg<u32>(gate, g, g + 1) == g) return true;
  }
}

function leaveGate(gate: usize): void {
  const after = atomic.sub<u32>(gate, 1) - 1;
  if ((after & GATE_COUNT) == 0) atomic.notify(gate);
}

/** The collector opens a phase to the helpers. */
function openGate(gate: usize, epoch: u32): void {
  atomic.store<u32>(gate, ((epoch & 0xffff) << 16) | GATE_OPEN);
  bumpGateSeq();
}

/** The collector closes a phase and waits until every helper inside has left it. */
function closeGate(gate: usize): void {
  atomic.and<u32>(gate, ~GATE_OPEN);
  while (true) {
    const g = atomic.load<u32>(gate);
    if ((g & GATE_COUNT) == 0) return;
    atomic.wait<u32>(gate, g, 100_000);
  }
}

function bumpGateSeq(): void {
  atomic.add<u32>(GC_GATE_SEQ, 1);
  atomic.notify(GC_GATE_SEQ);
}

/** Copies this worker's managed globals into its globals block (a raw block, so a root region). */
function publishGlobals(): void {
  const block = <usize>atomic.load<u32>(record + WR_GLOBALS);
  if (block == 0) return;
  const before = published;
  published = 0;
  publishOverflow = false;
  __visit_globals(COOKIE_PUBLISH);
  if (publishOverflow) {
    const cap = heapCapacity(block) >> 2;
    const bigger = heapRealloc(block, cap << 3);
    if (bigger == 0) {
      atomic.store<u32>(record + WR_FLAGS, WF_GLOBALS_LOST); // the collector will not collect until this clears
      return;
    }
    memory.fill(bigger + (cap << 2), 0, cap << 2);
    atomic.store<u32>(record + WR_GLOBALS, <u32>bigger);
    publishGlobals();
    return;
  }
  if (before > published) memory.fill(block + (published << 2), 0, (before - published) << 2); // stale entries
  atomic.store<u32>(record + WR_FLAGS, 0);
}

/** AssemblyScript's `__visit` (memory/rt.ts): a reference found in a global or in an object's fields. */
export function gcVisit(ptr: usize, cookie: u32): void {
  if (cookie == COOKIE_PUBLISH) {
    const block = <usize>load<u32>(record + WR_GLOBALS);
    if ((published << 2) < heapCapacity(block)) store<u32>(block + (published << 2), <u32>ptr);
    else publishOverflow = true;
    published++;
    return;
  }
  markWord(ptr);
}

// ---------------------------------------------------------------------------------------------------------------
// Collecting

function collect(): void {
  publishGlobals(); // the collector's own globals are roots too
  const start = clockNow();
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    if (i == workerIndex) continue;
    const state = workerRecord(i) + WR_STATE;
    while (atomic.load<u32>(state) == MS_ACTIVE) {
      if (atomic.load<i32>(PINNED_WORKERS) != 0) { // a worker pinned meanwhile (driver/pin.ts): not now
        atomic.store<u32>(GC_STATE, GC_REQUESTED);
        atomic.notify(GC_STATE);
        bumpGateSeq();
        return;
      }
      atomic.wait<u32>(state, MS_ACTIVE, 1_000_000);
    }
  }
  const stopped = clockNow();
  let complete = true;
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    if (atomic.load<u32>(workerRecord(i) + WR_FLAGS) & WF_GLOBALS_LOST) complete = false;
  }
  if (complete && ensureMarkStack(INITIAL_MARK_STACK << 2)) {
    markAndSweep();
  } else {
    atomic.add<u32>(GC_SKIPPED, 1); // a worker's roots are unknown: collecting now could free live objects
  }
  const end = clockNow();
  const pause = end - start;
  store<f64>(GC_PAUSE_LAST_MS, pause);
  store<f64>(GC_PAUSE_TOTAL_MS, load<f64>(GC_PAUSE_TOTAL_MS) + pause);
  if (pause > load<f64>(GC_PAUSE_MAX_MS)) store<f64>(GC_PAUSE_MAX_MS, pause);
  if (stopped - start > load<f64>(GC_SAFEPOINT_MAX_MS)) store<f64>(GC_SAFEPOINT_MAX_MS, stopped - start);
  atomic.store<u32>(GC_ALLOCATED, 0);
  atomic.add<u32>(GC_COUNT, 1);
  atomic.notify(GC_COUNT);
  atomic.store<u32>(GC_STATE, GC_IDLE);
  atomic.notify(GC_STATE);
  bumpGateSeq(); // the helpers wait on the gate sequence
}

/** Makes this worker's mark stack hold at least `bytes` (a raw NO_SCAN block, kept between collections). */
function ensureMarkStack(bytes: usize): bool {
  if (markStack != 0) return true;
  const stack = collectorAlloc(bytes);
  if (stack == 0) return false;
  markStack = stack;
  markCap = bytes >> 2;
  markTop = 0;
  return true;
}

/**
 * A block for the collector's own use (a mark stack, a packet): raw and NO_SCAN, and a large block, so no worker
 * cache is involved and it may be made while collecting. Not counted in the heap's bytes in use: a worker makes its
 * mark stack when it first helps a collection, and the program's figures should not move when it does.
 */
function collectorAlloc(bytes: usize): usize {
  const p = heapAlloc(bytes);
  if (p == 0) return 0;
  setNoScan(p);
  const size = <u32>(heapCapacity(p) + HEADER_SIZE);
  atomic.sub<u32>(HEAP_IN_USE, size);
  atomic.add<u32>(GC_OWN_BYTES, size);
  return p;
}

function collectorFree(p: usize): void {
  const size = <u32>(heapCapacity(p) + HEADER_SIZE);
  atomic.sub<u32>(GC_OWN_BYTES, size);
  atomic.add<u32>(HEAP_IN_USE, size);
  heapFree(p);
}

/** Doubles the mark stack; false when the memory is full (marking then falls back to rescanning the heap). */
function growMarkStack(): bool {
  const bigger = collectorAlloc(markCap << 3);
  if (bigger == 0) return false;
  memory.copy(bigger, markStack, markTop << 2);
  collectorFree(markStack);
  markStack = bigger;
  markCap <<= 1;
  return true;
}

function markAndSweep(): void {
  syncMemoryView(); // the heap may reach into memory another worker grew since this one last looked
  const epoch = atomic.load<u32>(GC_COUNT);
  const lo = <usize>atomic.load<u32>(HEAP_START);
  const hi = <usize>atomic.load<u32>(HEAP_TOP);
  // Every free small block goes back on a rebuilt shared list; the caches start empty.
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    const r = workerRecord(i);
    dropCache(<usize>load<u32>(r + WR_CACHE));
  }
  for (let list: usize = 0; list < SMALL_CLASSES * 2; list++) store<u64>(FREE_LISTS + list * 8, 0);

  // The shared state of this collection, written before the mark gate opens (a seq-cst store publishes it).
  const staticItems = ((<usize>load<u32>(GC_STATIC_END) - MEMORY_BASE) + STATIC_CHUNK - 1) / STATIC_CHUNK;
  const pageChunks = (((hi - lo) >> PAGE_SHIFT) + CHUNK_PAGES - 1) / CHUNK_PAGES;
  store<u32>(GC_SCAN_LO, <u32>lo);
  store<u32>(GC_SCAN_HI, <u32>hi);
  store<u32>(GC_ROOT_ITEMS, <u32>(staticItems + pageChunks));
  store<u32>(GC_SWEEP_ITEMS, <u32>pageChunks);
  atomic.store<u32>(GC_ROOT_CURSOR, 0);
  atomic.store<u32>(GC_SWEEP_CURSOR, 0);
  atomic.store<u32>(GC_MARK_BUSY, 1); // this worker
  atomic.store<u32>(GC_MARK_DONE, 0);
  atomic.store<u32>(GC_MARK_HUNGRY, 0);
  atomic.store<u32>(GC_MARK_OVERFLOW, 0);
  atomic.store<u64>(GC_SUM_RAW, 0);
  atomic.store<u64>(GC_SUM_MANAGED, 0);
  atomic.store<u64>(GC_SUM_FREED, 0);
  atomic.store<u32>(GC_SUM_OBJECTS, 0);

  openGate(GC_MARK_GATE, epoch);
  markPhase();
  closeGate(GC_MARK_GATE);
  if (atomic.load<u32>(GC_MARK_OVERFLOW) != 0) {
    // A marker's stack could not grow: its marked but untraced objects are traced again, here, alone.
    do {
      atomic.store<u32>(GC_MARK_OVERFLOW, 0);
      rescanMarked();
    } while (atomic.load<u32>(GC_MARK_OVERFLOW) != 0);
  }

  openGate(GC_SWEEP_GATE, epoch);
  sweepPhase();
  closeGate(GC_SWEEP_GATE);

  const freed = atomic.load<u64>(GC_SUM_FREED);
  const liveManaged = atomic.load<u64>(GC_SUM_MANAGED);
  store<u64>(GC_FREED_BYTES, load<u64>(GC_FREED_BYTES) + freed);
  store<u32>(GC_LIVE_OBJECTS, atomic.load<u32>(GC_SUM_OBJECTS));
  store<u32>(GC_LIVE_MANAGED_BYTES, <u32>liveManaged);
  // The raw walk counted the collector's own blocks too: they are not the program's.
  store<u32>(GC_LIVE_BYTES, <u32>(liveManaged + atomic.load<u64>(GC_SUM_RAW) - <u64>atomic.load<u32>(GC_OWN_BYTES)));
  setTrigger();
}

/**
 * Pacing: the guest-object bytes that may be allocated before the next collection (docs/design.md, "Garbage
 * collection", When):   trigger = max(MIN_TRIGGER, live managed, (reserved - live) / 2)
 * Only guest objects count against it (runtime records are freed explicitly and make no garbage), so it is measured
 * against the live guest objects: their part of the heap stays within about twice their live data, as with Go's
 * GOGC=100. The heap's pages are never given back to the memory, so collecting long before the pages it holds are
 * used up frees nothing anyone else could use: a program that once needed a big heap uses half of its free part
 * between collections. A bigger share lets the heap creep up: a collection that finds little alive sets a big
 * trigger, and the next peak of live data comes on top of it (the heap tends to at most 1 / (1 - share) times the
 * peak live data: twice with a half).
 */
function setTrigger(): void {
  const live = <u64>load<u32>(GC_LIVE_BYTES);
  const reserved = <u64>(atomic.load<u32>(HEAP_TOP) - atomic.load<u32>(HEAP_START));
  let trigger = <u64>load<u32>(GC_LIVE_MANAGED_BYTES);
  const spare = reserved > live ? (reserved - live) / 2 : 0;
  if (spare > trigger) trigger = spare;
  if (trigger < <u64>MIN_TRIGGER) trigger = MIN_TRIGGER;
  atomic.store<u32>(GC_TRIGGER, <u32>min<u64>(trigger, 0xffff0000));
}

// ---------------------------------------------------------------------------------------------------------------
// Marking (every worker inside the mark gate)

/** A helper joins the markers; false when marking has ended already or this worker has no mark stack. */
function joinMarking(): bool {
  if (!ensureMarkStack(INITIAL_MARK_STACK << 2)) return false;
  lock(GC_MARK_LOCK);
  const done = load<u32>(GC_MARK_DONE) != 0;
  if (!done) atomic.store<u32>(GC_MARK_BUSY, load<u32>(GC_MARK_BUSY) + 1);
  unlock(GC_MARK_LOCK);
  return !done;
}

/** Claims root items and traces until marking has ended. The caller counts as busy (GC_MARK_BUSY). */
function markPhase(): void {
  syncMemoryView();
  heapLo = <usize>load<u32>(GC_SCAN_LO);
  heapHi = <usize>load<u32>(GC_SCAN_HI);
  markTop = 0;
  traced = 0;
  liveRawBytes = 0;
  const items = load<u32>(GC_ROOT_ITEMS);
  const staticItems = <u32>(((<usize>load<u32>(GC_STATIC_END) - MEMORY_BASE) + STATIC_CHUNK - 1) / STATIC_CHUNK);
  while (true) {
    const item = atomic.add<u32>(GC_ROOT_CURSOR, 1);
    if (item >= items) break;
    if (item < staticItems) {
      const from = MEMORY_BASE + <usize>item * STATIC_CHUNK;
      const end = <usize>load<u32>(GC_STATIC_END) & ~<usize>3;
      scanRange(from, min(from + STATIC_CHUNK, end));
    } else {
      const from = heapLo + ((<usize>(item - staticItems) * CHUNK_PAGES) << PAGE_SHIFT);
      scanRawPages(from, min(from + (CHUNK_PAGES << PAGE_SHIFT), heapHi));
    }
    drain();
  }
  do drain(); while (awaitPacket());
  atomic.add<u64>(GC_SUM_RAW, liveRawBytes);
}

// @ts-ignore: decorator
@inline function markWord(w: usize): void {
  if (w >= heapLo && w < heapHi) markObject(w);
}

/** Marks the managed object that `w` points into, if any, and queues it for tracing. */
function markObject(w: usize): void {
  const page = w & ~(PAGE_SIZE - 1);
  const desc = pageDesc(page);
  const kind = desc >> 28;
  // Words beyond a large object's first page are not taken as pointers to it. In a heap of gigabytes almost any
  // number (a clock reading's upper half, a hash) points into some large array, and one such word would keep
  // megabytes alive. Compiled code refers to an object by its start (fields are reached from it; an array's
  // dataStart is its buffer's start), and the precise trace only ever passes starts.
  if ((desc & PD_MANAGED) == 0) return;
  let block: usize;
  if (kind == PK_SMALL) {
    if (w < page + FIRST_BLOCK) return;
    const e = classEntry(<usize>(desc & PD_VALUE));
    const size = <usize>load<u32>(e);
    const index = <usize>((<u64>(w - page - FIRST_BLOCK) * <u64>load<u32>(e, 4)) >> 32); // exact: see classEntry
    if (index >= <usize>load<u32>(e, 8)) return;
    block = page + FIRST_BLOCK + index * size;
  } else if (kind == PK_LARGE) {
    block = page + FIRST_BLOCK;
  } else {
    return;
  }
  const h = load<u32>(block);
  if ((h & (F_ALLOCATED | F_MANAGED | F_MARK)) != (F_ALLOCATED | F_MANAGED)) return; // free, raw or marked already
  // A plain store: another marker may mark the same object at the same moment and both trace it, which is harmless.
  // Nothing else writes a managed header while marking.
  store<u32>(block, h | F_MARK);
  if (markTop == markCap && !growMarkStack()) {
    atomic.store<u32>(GC_MARK_OVERFLOW, 1); // traced later by rescanMarked
    return;
  }
  store<u32>(markStack + (markTop << 2), <u32>(block + OBJECT_OFFSET));
  markTop++;
}

/** Traces this marker's stack empty, publishing half of it whenever another marker is hungry and the pool empty. */
function drain(): void {
  while (markTop != 0) {
    markTop--;
    __visit_members(<usize>load<u32>(markStack + (markTop << 2)), COOKIE_MARK);
    if ((++traced & 63) == 0 && markTop >= SHARE_MIN && atomic.load<u32>(GC_MARK_HUNGRY) != 0 &&
        atomic.load<u32>(GC_MARK_POOL_LEN) == 0) share();
  }
}

/** Moves the top half of this marker's stack (at most a packet) to the pool. */
function share(): void {
  lock(GC_MARK_LOCK);
  let packet = <usize>load<u32>(GC_MARK_SPARE);
  if (packet != 0) store<u32>(GC_MARK_SPARE, load<u32>(packet, 4));
  unlock(GC_MARK_LOCK);
  if (packet == 0) {
    packet = collectorAlloc(8 + (PACKET_ENTRIES << 2)); // kept for good on the spare list
    if (packet == 0) return; // no memory: keep the work
  }
  const n = min(markTop >> 1, PACKET_ENTRIES);
  markTop -= n;
  memory.copy(packet + 8, markStack + (markTop << 2), n << 2);
  store<u32>(packet, <u32>n);
  lock(GC_MARK_LOCK);
  store<u32>(packet, load<u32>(GC_MARK_POOL), 4);
  store<u32>(GC_MARK_POOL, <u32>packet);
  atomic.store<u32>(GC_MARK_POOL_LEN, atomic.load<u32>(GC_MARK_POOL_LEN) + 1);
  unlock(GC_MARK_LOCK);
  atomic.notify(GC_MARK_POOL_LEN);
}

/**
 * This marker's stack is empty and no root item is left: it stops being busy and waits for a packet. True with a
 * packet's entries on its stack (busy again); false when marking has ended (no marker busy and the pool empty).
 */
function awaitPacket(): bool {
  lock(GC_MARK_LOCK);
  const busy = load<u32>(GC_MARK_BUSY) - 1;
  atomic.store<u32>(GC_MARK_BUSY, busy);
  if (busy == 0 && atomic.load<u32>(GC_MARK_POOL_LEN) == 0) {
    atomic.store<u32>(GC_MARK_DONE, 1);
    unlock(GC_MARK_LOCK);
    atomic.notify(GC_MARK_POOL_LEN);
    return false;
  }
  unlock(GC_MARK_LOCK);
  atomic.add<u32>(GC_MARK_HUNGRY, 1);
  let spins = 0;
  while (true) {
    if (atomic.load<u32>(GC_MARK_DONE) != 0) break;
    if (atomic.load<u32>(GC_MARK_POOL_LEN) != 0) {
      lock(GC_MARK_LOCK);
      const packet = <usize>load<u32>(GC_MARK_POOL);
      if (packet != 0) {
        store<u32>(GC_MARK_POOL, load<u32>(packet, 4));
        atomic.store<u32>(GC_MARK_POOL_LEN, atomic.load<u32>(GC_MARK_POOL_LEN) - 1);
        atomic.store<u32>(GC_MARK_BUSY, load<u32>(GC_MARK_BUSY) + 1);
      }
      unlock(GC_MARK_LOCK);
      if (packet != 0) {
        atomic.sub<u32>(GC_MARK_HUNGRY, 1);
        syncMemoryView(); // the packet may lie in memory another worker grew
        const n = <usize>load<u32>(packet);
        memory.copy(markStack, packet + 8, n << 2); // the stack holds at least a packet (INITIAL_MARK_STACK)
        markTop = n;
        lock(GC_MARK_LOCK);
        store<u32>(packet, load<u32>(GC_MARK_SPARE), 4);
        store<u32>(GC_MARK_SPARE, <u32>packet);
        unlock(GC_MARK_LOCK);
        return true;
      }
      continue;
    }
    // Spin briefly (a packet usually comes within microseconds), then sleep until one is published.
    if (++spins < 256) continue;
    atomic.wait<u32>(GC_MARK_POOL_LEN, 0, 50_000);
  }
  atomic.sub<u32>(GC_MARK_HUNGRY, 1);
  return false;
}

/** Conservative scan of [from, to) (4-byte aligned words). */
function scanRange(from: usize, to: usize): void {
  const lo = heapLo, hi = heapHi;
  for (let p = from; p < to; p += 4) {
    const w = <usize>load<u32>(p);
    if (w >= lo && w < hi) markObject(w);
  }
}

/** Scans an allocated raw block as a root region, as its flags say. */
function scanRawBlock(block: usize, h: u32): void {
  const payload = block + HEADER_SIZE;
  const end = block + <usize>(h & SIZE_MASK);
  if ((h & F_SCAN_SHADOW) == F_SCAN_SHADOW) {
    const sp = <usize>load<u32>(payload);
    if (sp >= payload + 16 && sp <= end) scanRange(sp, end);
    return;
  }
  if (h & F_NO_SCAN) return;
  if (h & F_SCAN_ASYNCIFY) {
    const current = <usize>load<u32>(payload);
    if (current >= payload + 8 && current <= end) scanRange(payload + 8, current);
    return;
  }
  scanRange(payload, end);
}

/**
 * Walks the raw pages whose head lies in [from, to): scans allocated blocks as roots, chains free blocks into
 * batches, frees empty pages. A large block belongs to the run that holds its first page.
 */
function scanRawPages(from: usize, to: usize): void {
  let page = from;
  while (page < to) {
    const desc = pageDesc(page);
    const kind = desc >> 28;
    if (kind == PK_LARGE) {
      const n = <usize>(desc & PD_VALUE);
      if ((desc & PD_MANAGED) == 0) {
        const h = load<u32>(page + FIRST_BLOCK);
        liveRawBytes += <u64>(h & SIZE_MASK);
        scanRawBlock(page + FIRST_BLOCK, h);
      }
      page += n << PAGE_SHIFT;
      continue;
    }
    if (kind == PK_SMALL && (desc & PD_MANAGED) == 0) {
      const cls = <usize>(desc & PD_VALUE);
      const size = classSize(cls);
      const n = blocksPerPage(size);
      let used: u32 = 0;
      let block = page + FIRST_BLOCK;
      for (let i: usize = 0; i < n; i++, block += size) {
        const h = load<u32>(block);
        if (h & F_ALLOCATED) {
          used++;
          scanRawBlock(block, h);
        }
      }
      liveRawBytes += <u64>used * size;
      if (used == 0) freePages(page, 1);
      else if (used < <u32>n) chainFreeBlocks(page, cls, size, n);
    }
    page += PAGE_SIZE;
  }
}

/** Pushes the page's free blocks onto the shared list `list` in batches of at most BATCH_MAX, in address order. */
function chainFreeBlocks(page: usize, list: usize, size: usize, n: usize): void {
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

/** After a mark stack overflow (the collector alone): traces every marked object again. */
function rescanMarked(): void {
  markTop = 0;
  let page = heapLo;
  while (page < heapHi) {
    const desc = pageDesc(page);
    const kind = desc >> 28;
    if (kind == PK_LARGE) {
      const block = page + FIRST_BLOCK;
      if ((desc & PD_MANAGED) != 0 && (load<u32>(block) & F_MARK) != 0) {
        __visit_members(block + OBJECT_OFFSET, COOKIE_MARK);
        drainAlone();
      }
      page += <usize>(desc & PD_VALUE) << PAGE_SHIFT;
      continue;
    }
    if (kind == PK_SMALL && (desc & PD_MANAGED) != 0) {
      const size = classSize(<usize>(desc & PD_VALUE));
      const n = blocksPerPage(size);
      let block = page + FIRST_BLOCK;
      for (let i: usize = 0; i < n; i++, block += size) {
        if ((load<u32>(block) & (F_ALLOCATED | F_MARK)) == (F_ALLOCATED | F_MARK)) {
          __visit_members(block + OBJECT_OFFSET, COOKIE_MARK);
          drainAlone();
        }
      }
    }
    page += PAGE_SIZE;
  }
}

function drainAlone(): void {
  while (markTop != 0) {
    markTop--;
    __visit_members(<usize>load<u32>(markStack + (markTop << 2)), COOKIE_MARK);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sweeping (every worker inside the sweep gate)

/** Claims runs of pages and sweeps them; adds this worker's counts to the shared sums. */
function sweepPhase(): void {
  syncMemoryView();
  const lo = <usize>load<u32>(GC_SCAN_LO);
  const hi = <usize>load<u32>(GC_SCAN_HI);
  const items = load<u32>(GC_SWEEP_ITEMS);
  let freed: u64 = 0, liveManaged: u64 = 0;
  let objects: u32 = 0;
  while (true) {
    const item = atomic.add<u32>(GC_SWEEP_CURSOR, 1);
    if (item >= items) break;
    const from = lo + ((<usize>item * CHUNK_PAGES) << PAGE_SHIFT);
    const to = min(from + (CHUNK_PAGES << PAGE_SHIFT), hi);
    let page = from;
    while (page < to) {
      const desc = pageDesc(page);
      const kind = desc >> 28;
      if (kind == PK_LARGE) {
        const n = <usize>(desc & PD_VALUE);
        if ((desc & PD_MANAGED) != 0) {
          const block = page + FIRST_BLOCK;
          const h = load<u32>(block);
          const size = h & SIZE_MASK;
          if (h & F_MARK) {
            store<u32>(block, h & ~F_MARK);
            liveManaged += size;
            objects++;
          } else if (h & F_ALLOCATED) {
            store<u32>(block, size);
            atomic.sub<u32>(HEAP_IN_USE, size);
            freePages(page, n);
          }
        }
        page += n << PAGE_SHIFT;
        continue;
      }
      if (kind == PK_SMALL && (desc & PD_MANAGED) != 0) {
        const cls = <usize>(desc & PD_VALUE);
        const size = classSize(cls);
        const n = blocksPerPage(size);
        let used: u32 = 0;
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
        liveManaged += <u64>used * size;
        objects += used;
        if (used == 0) freePages(page, 1);
        else if (used < <u32>n) chainFreeBlocks(page, cls + SMALL_CLASSES, size, n);
      }
      page += PAGE_SIZE;
    }
  }
  atomic.add<u64>(GC_SUM_FREED, freed);
  atomic.add<u64>(GC_SUM_MANAGED, liveManaged);
  atomic.add<u32>(GC_SUM_OBJECTS, objects);
}
