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
//    thread: only their used part; with JSPI, the live part of every thread's shadow stack), root-call frames
//    (arguments and results the host has not read), the pin table, the timer heap (its targets; its deadlines are
//    stored so that no word of them is a heap address), and each worker's published globals; blocks flagged NO_SCAN
//    (scratch stacks, caches, the mark stack, the run queues) are skipped;
//  - the static data (`memory.data` cells, static arrays whose buffers were reallocated).
// Wasm globals are per instance: each worker publishes its managed globals (the compiler's `__visit_globals`) into a
// raw block of its own whenever it leaves the mutator or stops, so the collector sees every worker's globals.
// The heap is traced precisely with the compiler-generated `__visit_members`.

import { PINNED_WORKERS, HEAP_START, HEAP_TOP, HEAP_IN_USE, GC_STATE, GC_COUNT, GC_ALLOCATED, GC_TRIGGER, GC_LIVE_BYTES,
         GC_LIVE_OBJECTS, GC_FREED_BYTES, GC_PAUSE_TOTAL_MS, GC_PAUSE_MAX_MS, GC_PAUSE_LAST_MS,
         GC_STATIC_END, GC_SKIPPED, GC_SAFEPOINT_MAX_MS, GC_LIVE_MANAGED_BYTES, FREE_LISTS,
         MAX_WORKERS, MEMORY_BASE, GC_MARKING, GC_MARK_OVERFLOW, GC_CYCLE_MAX_MS, GC_CYCLE_RUNNING_MAX_MS,
         GC_CYCLE_PAUSES, GC_CYCLE_RUNNING_PAUSES, GC_SWEEPING, GC_SWEEP_CURSOR, GC_SWEEP_END, GC_SWEEP_LIVE_OBJECTS,
         GC_SWEEP_LIVE_MANAGED, GC_SWEEP_RAW_BYTES, GC_SWEEP_FREED, GC_ROOT_SCAN_MS, GC_JOB, GC_JOB_LOCK, GC_JOB_WORKERS,
         GC_JOB_IDLE, GC_JOB_DONE, GC_JOB_INSIDE, GC_JOB_CURSOR, GC_JOB_END, GC_JOB_DEADLINE, GC_POOL_TOP,
         GC_CYCLE_WORKERS, WAKE_EPOCH, SLEEPERS } from "./layout";
import { GC_IDLE, GC_REQUESTED, GC_COLLECTING, PAGE_SIZE, OBJECT_OVERHEAD, OBJECT_RT_ID, OBJECT_RT_SIZE_BACK } from "./layout";
import { HEADER_SIZE, F_ALLOCATED, F_MANAGED, F_MARK, F_SCAN_ASYNCIFY, SAVED_FRAMES, F_NO_SCAN, F_SCAN_SHADOW, SIZE_MASK, PAGE_SHIFT,
         FIRST_BLOCK, PK_SMALL, PK_LARGE, PD_MANAGED, PD_VALUE, PD_FRESH, setPageDesc, SMALL_CLASSES, BATCH_MAX, MIN_TRIGGER,
         WR_STATE, WR_CACHE, WR_GLOBALS, WR_FLAGS, WR_GREY, classSize, classEntry, blocksPerPage, pageDesc, pushBatch,
         freePages, dropCache, heapAlloc, heapFree, heapCapacity, heapRealloc, setNoScan, workerRecord,
         setCollectionPhase, requestCollection, chainFreeBlocks, sweepNextPage, clearFreshPages } from "./heap";
import { syncMemoryView } from "./view";
import { lock, unlock } from "./spinlock";
import { CONTINUE, openCollectorStack, saveCollectorStack, attachHelper, poolReady, openHelperStack, setMarkingTogether,
         markStackEmpty, pushMarked, pushContinuation, popEntry, popIndex, shareIfWanted, takeShared } from "./markstack";

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

/** The managed object's address is its block + 4 (block header) + the object header (rtId, rtSize). */
// @ts-ignore: decorator
@inline const OBJECT_OFFSET: usize = HEADER_SIZE + OBJECT_OVERHEAD;

// @ts-ignore: decorator
@inline const INITIAL_GLOBALS: usize = 256;
/** Entries of a worker's first grey log. */
// @ts-ignore: decorator
@inline const INITIAL_GREY_LOG: usize = 1024;
/** Marking per pause: the collector traces objects for about this long, then lets the workers run again. */
// @ts-ignore: decorator
@inline const STEP_MS: f64 = 0.5;
/**
 * A collection works in steps only when the last scan of the roots took at most this long. The pause that ends
 * marking scans the roots again, so with roots that take long to scan (a million parked threads' stacks) spreading
 * the work would not shorten the longest pause, and would scan the roots twice: such a collection runs in one pause.
 */
// @ts-ignore: decorator
@inline const INCREMENTAL_ROOTS_MS: f64 = 1.0;
/**
 * A sweep takes at most about this many pauses, however slow each is: each visits at least this fraction of the
 * pages. Everything allocated while a sweep goes on comes on top of the heap, so a sweep spread thin over a big heap
 * of garbage (a slow, loaded machine; four workers allocating) lets the heap grow, and the next trigger with it.
 */
// @ts-ignore: decorator
@inline const SWEEP_STEPS_MAX: usize = 16;
/** Objects traced between two readings of the clock in a marking step. */
// @ts-ignore: decorator
@inline const STEP_CHUNK: u32 = 1024;

/** This worker's collector record (a Wasm global: per worker). */
let record: usize = 0;
let workerIndex: u32 = 0;
/** Entries written by this worker's last publication of its globals. */
let published: usize = 0;
/** The publication ran out of room in the globals block. */
let publishOverflow: bool = false;

/**
 * GC_MARKING as this worker last entered the mutator: a collection is marking between its pauses, so the write
 * barrier is on. It changes only while the world is stopped, and every worker re-enters through mutatorEnter.
 */
let marking: bool = false; // per worker
/** GC_SWEEPING, read with GC_MARKING. */
let sweeping: bool = false; // per worker
/** HEAP_START: below it are static objects, which are never freed and need no shading. */
let heapBase: usize = 0; // per worker
/** This worker's last pause refused to end the collection (a worker's roots were unknown). */
let finishRefused: bool = false; // per worker

// Marking state (the collecting worker's, or a helper's while it marks together; what must last from one pause to
// the next, possibly on another worker, is in the GC_MARK_* words; the mark stack is memory/markstack.ts's).
let heapLo: usize = 0; // per worker
let heapHi: usize = 0; // per worker
let liveRawBytes: u64 = 0; // per worker
/** This worker marks together with others: a mark is set with an atomic or, so two workers never trace one object. */
let together: bool = false; // per worker
/** The last job this worker helped with (GC_JOB), so it joins each one once. */
let lastJob: u32 = 0; // per worker

/**
 * Registers this worker (at boot, before it allocates) and enters the mutator; with several workers it also makes
 * its stack for marking together. False when out of memory.
 */
export function gcAttachWorker(index: u32, workers: u32): bool {
  workerIndex = index;
  record = workerRecord(index);
  heapBase = <usize>atomic.load<u32>(HEAP_START);
  mutatorEnter();
  const g = heapAlloc(INITIAL_GLOBALS << 2);
  if (g == 0) return false;
  memory.fill(g, 0, INITIAL_GLOBALS << 2);
  atomic.store<u32>(record + WR_GLOBALS, <u32>g);
  if (workers > 1) attachHelper(record);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The mutator protocol

/** Before this worker runs code that may allocate or hold guest references: waits out a collection in progress. */
export function mutatorEnter(): void {
  while (true) {
    atomic.store<u32>(record + WR_STATE, MS_ACTIVE);
    if (atomic.load<u32>(GC_STATE) != GC_COLLECTING) {
      followMarking();
      return;
    }
    atomic.store<u32>(record + WR_STATE, MS_OUTSIDE);
    atomic.notify(record + WR_STATE);
    waitForCollection(); // and help with it
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
 * A running thread that reached a point where it may stop should stop for the collector: one is running, or is
 * requested and no pin holds it off (then stopping would achieve nothing).
 */
export function collectionWaits(): bool {
  const state = atomic.load<u32>(GC_STATE);
  return state == GC_COLLECTING || (state == GC_REQUESTED && atomic.load<i32>(PINNED_WORKERS) == 0);
}

/**
 * The scheduling point: called between two threads when `gcPending()`. No thread runs on this worker, so every
 * guest reference it has is in a saved stack, a runtime record or its globals. Collects or waits for the collector.
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
  waitForCollection();
  mutatorEnter(); // another collection may have begun already: enter as any worker would
}

/** Waits until the collection under way is over, taking part in the jobs it offers ("Marking together", below). */
function waitForCollection(): void {
  while (atomic.load<u32>(GC_STATE) == GC_COLLECTING) {
    const job = atomic.load<u32>(GC_JOB);
    if ((job & JOB_KIND) != JOB_NONE && job != lastJob) {
      lastJob = job;
      help(job);
      continue;
    }
    atomic.wait<u32>(GC_JOB, job, 10_000_000); // the collector announces every job, and the collection's end
  }
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

/** Reads the collection's phase (the world is not stopped, so it cannot change until this worker stops again). */
function followMarking(): void {
  marking = atomic.load<u32>(GC_MARKING) != 0;
  sweeping = atomic.load<u32>(GC_SWEEPING) != 0;
  setCollectionPhase(marking, sweeping, <usize>load<u32>(GC_SWEEP_CURSOR), <usize>load<u32>(GC_SWEEP_END));
}

/**
 * An idle worker finishes a collection that is marking when no other worker runs threads: it requests the next step
 * and takes it. While another worker runs, that worker's allocation paces the steps (memory/heap.ts) and this one
 * idles: a step stops the world, so taking steps whenever a worker briefly runs out of threads would stop the busy
 * ones far more often than their allocation asks for. True when it took a step; the caller then looks for threads
 * again before it idles.
 */
export function markWhileIdle(): bool {
  if (!(marking || sweeping) || finishRefused || atomic.load<i32>(PINNED_WORKERS) != 0 || othersActive()) return false;
  requestCollection();
  safepoint();
  return true;
}

function othersActive(): bool {
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    if (i != workerIndex && atomic.load<u32>(workerRecord(i) + WR_STATE) == MS_ACTIVE) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// The write barrier

/**
 * Called for every reference stored into a guest object (AssemblyScript's `__link`, and the runtime's own stores of
 * references into objects). While a collection marks between its pauses, the stored object is shaded: marked and
 * logged for tracing, so no marked object ever holds an unmarked one the collector would not visit (Dijkstra's
 * insertion barrier). Saved stacks, records and globals need none: the last pause scans them again.
 */
// @ts-ignore: decorator
@inline export function writeBarrier(child: usize): void {
  if (marking) shade(child);
}

/** A collection is marking between its pauses (as this worker last saw on entering the mutator). */
// @ts-ignore: decorator
@inline export function isMarking(): bool {
  return marking;
}

/** Marks `obj` if it is an unmarked guest object, and logs it in this worker's grey log. */
function shade(obj: usize): void {
  if (obj < heapBase) return; // null, or a static object (never freed)
  const block = obj - OBJECT_OFFSET;
  if ((pageDesc(block) & PD_MANAGED) == 0) return;
  const h = load<u32>(block);
  if ((h & (F_ALLOCATED | F_MANAGED | F_MARK)) != (F_ALLOCATED | F_MANAGED)) return;
  if (atomic.or<u32>(block, F_MARK) & F_MARK) return; // another worker shaded it first
  logGrey(obj);
}

/**
 * Logs an object for the collector to trace at its next pause: one shaded by the barrier, or one born marked whose
 * fields were copied from an object the collector may not have traced (a moved array buffer: memory/rt.ts).
 */
export function logGrey(obj: usize): void {
  const at = record + WR_GREY;
  let log = <usize>load<u32>(at);
  if (log == 0 || ((<usize>load<u32>(log) + 2) << 2) > heapCapacity(log)) {
    log = growGreyLog(log);
    if (log == 0) {
      atomic.store<u32>(GC_MARK_OVERFLOW, 1); // the last pause traces every marked object again
      return;
    }
    store<u32>(at, <u32>log);
  }
  const n = load<u32>(log);
  store<u32>(log + ((<usize>n + 1) << 2), <u32>obj);
  store<u32>(log, n + 1);
}

/** A grey log twice as big (word 0 counts the entries); 0 when out of memory. */
function growGreyLog(log: usize): usize {
  const entries = log == 0 ? INITIAL_GREY_LOG : (heapCapacity(log) >> 2) << 1;
  const bigger = heapAlloc(entries << 2);
  if (bigger == 0) return 0;
  setNoScan(bigger); // it holds marked objects only
  if (log == 0) {
    store<u32>(bigger, 0);
  } else {
    memory.copy(bigger, log, (<usize>load<u32>(log) + 1) << 2);
    heapFree(log);
  }
  return bigger;
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
        announce(JOB_NONE); // wakes the stopped workers
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
  let finished = false;
  finishRefused = false;
  wokeSleepers = false;
  let deadline = stopped + STEP_MS;
  if (atomic.load<u32>(GC_MARKING) == 0 && atomic.load<u32>(GC_SWEEPING) == 0) {
    loadMarkState();
    if (!openCollectorStack(true)) {
      atomic.add<u32>(GC_SKIPPED, 1); // no memory for a mark stack
      finishRefused = true;
    } else if (load<f64>(GC_ROOT_SCAN_MS) <= INCREMENTAL_ROOTS_MS) {
      beginMarking();
    } else if (complete) {
      wakeSleepers(); // a long pause: idle workers come and help
      finishMarking(); // all the marking in this pause, with one scan of the roots
      deadline = Infinity; // and the sweep too: this pause is long anyway, and more of them would cost more
    } else {
      atomic.add<u32>(GC_SKIPPED, 1); // a worker's roots are unknown: collecting now could free live objects
      finishRefused = true;
    }
  }
  if (atomic.load<u32>(GC_MARKING) != 0) {
    loadMarkState();
    openCollectorStack(false);
    takeGreyLogs();
    markFor(deadline);
    if (markStackEmpty()) {
      if (complete) {
        finishMarking();
      } else {
        atomic.add<u32>(GC_SKIPPED, 1); // a worker's roots are unknown: sweeping now could free live objects
        finishRefused = true;
      }
    }
    saveCollectorStack();
  }
  if (atomic.load<u32>(GC_SWEEPING) != 0) {
    loadMarkState(); // the sweep may reach memory another worker grew since this one last looked
    const helped = othersCanHelp();
    if (helped) {
      store<f64>(GC_JOB_DEADLINE, deadline);
      postJob(JOB_SWEEP);
    }
    const swept = sweepFor(deadline);
    if (helped) endJob();
    if (swept) {
      endSweep();
      finished = true;
    }
  }
  const end = clockNow();
  const pause = end - start;
  store<f64>(GC_PAUSE_LAST_MS, pause);
  store<f64>(GC_PAUSE_TOTAL_MS, load<f64>(GC_PAUSE_TOTAL_MS) + pause);
  if (pause > load<f64>(GC_PAUSE_MAX_MS)) store<f64>(GC_PAUSE_MAX_MS, pause);
  if (stopped - start > load<f64>(GC_SAFEPOINT_MAX_MS)) store<f64>(GC_SAFEPOINT_MAX_MS, stopped - start);
  const cycleMax = max(load<f64>(GC_CYCLE_RUNNING_MAX_MS), pause);
  const cyclePauses = load<u32>(GC_CYCLE_RUNNING_PAUSES) + 1;
  if (finished) {
    store<f64>(GC_CYCLE_MAX_MS, cycleMax);
    store<u32>(GC_CYCLE_PAUSES, cyclePauses);
    store<f64>(GC_CYCLE_RUNNING_MAX_MS, 0);
    store<u32>(GC_CYCLE_RUNNING_PAUSES, 0);
    atomic.store<u32>(GC_ALLOCATED, 0);
    atomic.add<u32>(GC_COUNT, 1);
    atomic.notify(GC_COUNT);
  } else {
    store<f64>(GC_CYCLE_RUNNING_MAX_MS, cycleMax);
    store<u32>(GC_CYCLE_RUNNING_PAUSES, cyclePauses);
  }
  followMarking(); // the others do as they re-enter the mutator
  atomic.store<u32>(GC_STATE, GC_IDLE);
  atomic.notify(GC_STATE);
  announce(JOB_NONE); // wakes the stopped workers
}

// A collection works in steps, one per pause, with the workers running in between (docs/design.md, "Garbage
// collection", Incremental collection): the first pause marks from the roots, each pause traces for about STEP_MS,
// the pause that finds nothing left to trace scans the roots again and traces what they reach, and the pauses after
// it sweep the pages for about STEP_MS each.

/** The first pause: marks what the roots reach and turns the write barrier on. */
function beginMarking(): void {
  const t0 = clockNow();
  scanStatic();
  scanRawPages(heapLo, heapHi, false);
  store<f64>(GC_ROOT_SCAN_MS, clockNow() - t0);
  saveCollectorStack();
  atomic.store<u32>(GC_MARKING, 1);
}

/** The heap a pause works on (another worker may have grown it, or taken the last pause). */
function loadMarkState(): void {
  syncMemoryView(); // the heap may reach into memory another worker grew since this one last looked
  heapLo = <usize>atomic.load<u32>(HEAP_START);
  heapHi = <usize>atomic.load<u32>(HEAP_TOP);
}

/** Moves every worker's grey log onto the mark stack. */
function takeGreyLogs(): void {
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    const log = <usize>load<u32>(workerRecord(i) + WR_GREY);
    if (log == 0) continue;
    const n = <usize>load<u32>(log);
    for (let j: usize = 1; j <= n; j++) pushMarked(<usize>load<u32>(log + (j << 2)));
    store<u32>(log, 0);
  }
}

/** Traces objects from the mark stack until it is empty or the clock passes `deadline`. */
function markFor(deadline: f64): void {
  while (!markStackEmpty()) {
    for (let n: u32 = 0; n < STEP_CHUNK && !markStackEmpty(); n++) traceNext();
    if (!markStackEmpty() && clockNow() >= deadline) return;
  }
}

// Arrays of references are traced a slice at a time: an array of a million elements would otherwise be traced in
// one go, however short the step (Go splits big objects into "oblets" for the same reason). The standard library's
// type flags (AssemblyScript's `__rtti_base` table) tell which objects those are.
// @ts-ignore: decorator
@inline const SLICE: usize = 4096;
// @ts-ignore: decorator
@inline const TYPE_ARRAY: u32 = 1 << 1; // TypeinfoFlags.ARRAY
// @ts-ignore: decorator
@inline const TYPE_STATICARRAY: u32 = 1 << 2; // TypeinfoFlags.STATICARRAY
// @ts-ignore: decorator
@inline const TYPE_VALUE_MANAGED: u32 = 1 << 14; // TypeinfoFlags.VALUE_MANAGED

/** Pops one mark stack entry and traces it (or the next slice of an array). */
function traceNext(): void {
  const e = popEntry();
  if (e & CONTINUE) {
    traceSlice(e & ~CONTINUE, popIndex());
    return;
  }
  const flags = typeFlags(e);
  if ((flags & TYPE_VALUE_MANAGED) == 0 || (flags & (TYPE_ARRAY | TYPE_STATICARRAY)) == 0) {
    __visit_members(e, COOKIE_MARK);
    return;
  }
  if (flags & TYPE_ARRAY) markWord(<usize>load<u32>(e + offsetof<Array<usize>>("buffer")));
  traceSlice(e, 0);
}

function typeFlags(obj: usize): u32 {
  const id = load<u32>(obj - OBJECT_OVERHEAD + OBJECT_RT_ID);
  if (id > load<u32>(__rtti_base)) return 0;
  return load<u32>(__rtti_base + 4 + (<usize>id << 2));
}

/** Marks elements [from, from + SLICE) of an array of references, and queues the rest. */
function traceSlice(obj: usize, from: usize): void {
  let start = obj;
  let count = <usize>(load<u32>(obj - OBJECT_RT_SIZE_BACK) >> 2); // a StaticArray: its payload is the elements
  if (typeFlags(obj) & TYPE_ARRAY) { // read again at each slice: the mutators may have grown or shrunk it meanwhile
    start = <usize>load<u32>(obj + offsetof<Array<usize>>("dataStart"));
    count = <usize>load<i32>(obj + offsetof<Array<usize>>("length_"));
  }
  let to = from + SLICE;
  if (to >= count) {
    to = count;
  } else if (!pushContinuation(obj, to)) {
    atomic.store<u32>(GC_MARK_OVERFLOW, 1); // rescanMarked traces the whole array again
  }
  for (let i = from; i < to; i++) markWord(<usize>load<u32>(start + (i << 2)));
}

/**
 * The pause that ends marking: every worker's globals are published and no thread runs, so the roots are complete.
 * Scans them again (what a thread moved from the heap into its stack since the first pause), traces what they reach,
 * and starts the sweep.
 */
function finishMarking(): void {
  const helped = othersCanHelp();
  liveRawBytes = 0;
  store<u32>(GC_SWEEP_RAW_BYTES, 0);
  // Every free small block goes back on a rebuilt shared list; the caches start empty.
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    const r = workerRecord(i);
    dropCache(<usize>load<u32>(r + WR_CACHE));
  }
  for (let list: usize = 0; list < SMALL_CLASSES * 2; list++) store<u64>(FREE_LISTS + list * 8, 0);

  const t0 = clockNow();
  scanStatic();
  if (helped) {
    together = true;
    setMarkingTogether(true);
    postJob(JOB_MARK);
    const rootsMs = markTogether(t0);
    endJob();
    setMarkingTogether(false);
    together = false;
    store<f64>(GC_ROOT_SCAN_MS, rootsMs);
    store<u32>(GC_CYCLE_WORKERS, load<u32>(GC_JOB_WORKERS));
  } else {
    scanRawPages(heapLo, heapHi, true); // also rebuilds the raw free lists and returns empty raw pages
    store<f64>(GC_ROOT_SCAN_MS, clockNow() - t0);
    drain();
    store<u32>(GC_CYCLE_WORKERS, 1);
  }
  atomic.add<u32>(GC_SWEEP_RAW_BYTES, <u32>liveRawBytes);
  while (load<u32>(GC_MARK_OVERFLOW) != 0) {
    store<u32>(GC_MARK_OVERFLOW, 0);
    rescanMarked();
    drain();
  }
  store<u32>(GC_SWEEP_CURSOR, <u32>heapLo);
  store<u32>(GC_SWEEP_END, <u32>heapHi); // pages added later hold no garbage, nor marks, of this collection
  store<u32>(GC_SWEEP_LIVE_OBJECTS, 0);
  store<u32>(GC_SWEEP_LIVE_MANAGED, 0);
  store<u64>(GC_SWEEP_FREED, 0);
  atomic.store<u32>(GC_MARKING, 0);
  atomic.store<u32>(GC_SWEEPING, 1);
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
  if (w < page + FIRST_BLOCK) return; // a page's head holds no object, only what text reads as (memory/heap.ts)
  let block: usize;
  if (kind == PK_SMALL) {
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
  if (!together) store<u32>(block, h | F_MARK);
  else if (atomic.or<u32>(block, F_MARK) & F_MARK) return; // another worker marked it first
  pushMarked(block + OBJECT_OFFSET);
}

function drain(): void {
  while (!markStackEmpty()) traceNext();
}

/** Conservative scan of [from, to) (4-byte aligned words). */
function scanRange(from: usize, to: usize): void {
  const lo = heapLo, hi = heapHi;
  for (let p = from; p < to; p += 4) {
    const w = <usize>load<u32>(p);
    if (w >= lo && w < hi) markObject(w);
  }
}

function scanStatic(): void {
  scanRange(MEMORY_BASE, <usize>load<u32>(GC_STATIC_END) & ~<usize>3);
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
    const framesEnd = <usize>load<u32>(payload);
    if (framesEnd >= payload + SAVED_FRAMES && framesEnd <= end) scanRange(payload + SAVED_FRAMES, framesEnd);
    return;
  }
  scanRange(payload, end);
}

/**
 * Walks the raw pages that begin in [from, to) and scans their allocated blocks as roots. With `rebuild` (the last
 * pause, caches dropped) it also chains free blocks into batches and frees empty pages. A large block that begins
 * in the range is scanned whole; the tail pages of one that begins before it are passed by.
 */
function scanRawPages(from: usize, to: usize, rebuild: bool): void {
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
      if (rebuild) {
        liveRawBytes += <u64>used * size;
        if (used == 0) freePages(page, 1);
        else if (used < <u32>n) chainFreeBlocks(page, cls, size, n);
      }
    }
    page += PAGE_SIZE;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Marking together
//
// The workers stopped at the safepoint do not just wait: the pause that ends marking and each sweep step are jobs
// they join (docs/design.md, "Garbage collection", Marking together). The collector posts a job in GC_JOB and wakes
// them. In a mark job every worker claims runs of ROOT_CLAIM pages to scan for roots (a compare-and-swap on
// GC_JOB_CURSOR), traces what it marked on its own stack, and once the roots are all claimed shares work through the
// pool (memory/markstack.ts) until all are idle. In a sweep job they take pages at the sweep's cursor, as allocating
// workers already do. The collector waits for every helper to leave a job before it goes on. Only workers stopped at
// the safepoint help, and those that come back from idle meanwhile (they see the collection as they enter the
// mutator); the collector wakes the idle ones only for a collection that runs in one pause (its roots are slow to
// scan), for a short pause would be over before they arrive.

// @ts-ignore: decorator
@inline const JOB_NONE: u32 = 0;
// @ts-ignore: decorator
@inline const JOB_MARK: u32 = 1;
// @ts-ignore: decorator
@inline const JOB_SWEEP: u32 = 2;
// @ts-ignore: decorator
@inline const JOB_KIND: u32 = 3;
/** Bytes of pages a worker claims at a time for the root scan (16 pages). */
// @ts-ignore: decorator
@inline const ROOT_CLAIM: usize = 16 << PAGE_SHIFT;

/** Some other worker waits at the safepoint, or was woken from idle for this collection (and can help). */
function othersCanHelp(): bool {
  if (!poolReady()) return false; // one worker, or no memory for marking together
  for (let i: u32 = 0; i < MAX_WORKERS; i++) {
    if (i == workerIndex) continue;
    const r = workerRecord(i);
    if (atomic.load<u32>(r + WR_STATE) == MS_STOPPED || (wokeSleepers && load<u32>(r + WR_GLOBALS) != 0)) return true;
  }
  return false;
}

/** This collection woke the idle workers to help. */
let wokeSleepers: bool = false; // per worker

/** Wakes every idle worker (host/workers/run-loop.ts waits on WAKE_EPOCH); each then helps as it enters the mutator. */
function wakeSleepers(): void {
  wokeSleepers = true;
  if (atomic.load<i32>(SLEEPERS) == 0) return;
  atomic.add<i32>(WAKE_EPOCH, 1);
  atomic.notify(WAKE_EPOCH);
}

/** Publishes a job (or JOB_NONE: none) under a new serial, and wakes the stopped workers. */
function announce(kind: u32): void {
  atomic.store<u32>(GC_JOB, (((atomic.load<u32>(GC_JOB) >> 2) + 1) << 2) | kind);
  atomic.notify(GC_JOB);
}

/** The collector offers a job over [heapLo, heapHi); it takes part itself. */
function postJob(kind: u32): void {
  store<u32>(GC_JOB_WORKERS, 1);
  store<u32>(GC_JOB_IDLE, 0);
  store<u32>(GC_JOB_DONE, 0);
  store<u32>(GC_JOB_INSIDE, 0);
  store<u32>(GC_JOB_CURSOR, <u32>heapLo);
  store<u32>(GC_JOB_END, <u32>heapHi);
  store<u32>(GC_POOL_TOP, 0);
  announce(kind); // a sequentially consistent store: whoever reads the job sees the words above
}

/** The collector's part is over: closes the job to late helpers and waits until every helper has left it. */
function endJob(): void {
  lock(GC_JOB_LOCK);
  atomic.store<u32>(GC_JOB_DONE, 1);
  unlock(GC_JOB_LOCK);
  while (true) {
    const inside = atomic.load<u32>(GC_JOB_INSIDE);
    if (inside == 0) break;
    atomic.wait<u32>(GC_JOB_INSIDE, inside, 1_000_000);
  }
  atomic.store<u32>(GC_JOB, atomic.load<u32>(GC_JOB) & ~JOB_KIND); // over: no one joins it any more
}

/** A stopped worker joins the collector's job, unless it is over already. */
function help(job: u32): void {
  const kind = job & JOB_KIND;
  lock(GC_JOB_LOCK);
  const open = atomic.load<u32>(GC_JOB) == job && load<u32>(GC_JOB_DONE) == 0 &&
               (kind != JOB_MARK || openHelperStack(record));
  if (open) {
    store<u32>(GC_JOB_WORKERS, load<u32>(GC_JOB_WORKERS) + 1);
    atomic.add<u32>(GC_JOB_INSIDE, 1);
  }
  unlock(GC_JOB_LOCK);
  if (!open) return;
  syncMemoryView(); // the collector may have grown the memory for the helpers' stacks
  heapLo = <usize>atomic.load<u32>(HEAP_START);
  heapHi = <usize>load<u32>(GC_JOB_END);
  if (kind == JOB_MARK) {
    together = true;
    liveRawBytes = 0;
    markTogether(0);
    atomic.add<u32>(GC_SWEEP_RAW_BYTES, <u32>liveRawBytes);
    together = false;
  } else {
    sweepTogether(load<f64>(GC_JOB_DEADLINE));
  }
  atomic.sub<u32>(GC_JOB_INSIDE, 1);
  atomic.notify(GC_JOB_INSIDE);
}

/**
 * One worker's part of a mark job: root scan runs while there are any, each traced at once, then the shared work
 * until every worker is idle. Returns how long the roots took, tracing left out (the collector's measure of its roots).
 */
function markTogether(t0: f64): f64 {
  let tracing: f64 = 0;
  while (true) {
    const from = claimRoots();
    if (from >= heapHi) break;
    scanRawPages(from, min(from + ROOT_CLAIM, heapHi), true);
    const t = clockNow();
    drainTogether();
    tracing += clockNow() - t;
  }
  const rootsMs = clockNow() - t0 - tracing;
  do drainTogether(); while (takeShared());
  return rootsMs;
}

/** Claims the next run of pages to scan for roots; heapHi when none is left. */
function claimRoots(): usize {
  while (true) {
    const from = <usize>atomic.load<u32>(GC_JOB_CURSOR);
    if (from >= heapHi) return heapHi;
    const to = min(from + ROOT_CLAIM, heapHi);
    if (atomic.cmpxchg<u32>(GC_JOB_CURSOR, <u32>from, <u32>to) == <u32>from) return from;
  }
  return heapHi;
}

/** Traces this worker's stack empty, handing work to idle workers now and then. */
function drainTogether(): void {
  let n: u32 = 0;
  while (!markStackEmpty()) {
    traceNext();
    if ((++n & 63) == 0) shareIfWanted();
  }
}

/** A helper's part of a sweep step: pages at the cursor until the sweep's end or the collector's deadline. */
function sweepTogether(deadline: f64): void {
  for (let n: u32 = 1; sweepNextPage(); n++) {
    if ((n & 7) == 0 && clockNow() >= deadline) return;
  }
}

/** After a mark stack overflow: traces every marked object again (children already marked are skipped). */
function rescanMarked(): void {
  let page = heapLo;
  while (page < heapHi) {
    const desc = pageDesc(page);
    const kind = desc >> 28;
    if (kind == PK_LARGE) {
      const block = page + FIRST_BLOCK;
      if ((desc & PD_MANAGED) != 0 && (load<u32>(block) & F_MARK) != 0) {
        __visit_members(block + OBJECT_OFFSET, COOKIE_MARK);
        drain();
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
          drain();
        }
      }
    }
    page += PAGE_SIZE;
  }
}

/**
 * Sweeps pages from the cursor (memory/heap.ts, sweepNextPage) until the sweep's end, or until the clock passes
 * `deadline` once this pause has visited its share of the pages. True when the sweep is done.
 */
function sweepFor(deadline: f64): bool {
  const end = <usize>load<u32>(GC_SWEEP_END);
  const quota = (((end - heapLo) >> PAGE_SHIFT) + SWEEP_STEPS_MAX - 1) / SWEEP_STEPS_MAX;
  for (let visited: usize = 1; ; visited++) {
    if (!sweepNextPage()) return true;
    if (visited > quota && (visited & 7) == 0 && clockNow() >= deadline) return false;
  }
  return false;
}

/** The sweep has visited every page: the collection's results are published and the next trigger set. */
function endSweep(): void {
  clearFreshPages(heapLo, <usize>load<u32>(GC_SWEEP_END));
  const liveManaged = load<u32>(GC_SWEEP_LIVE_MANAGED);
  store<u64>(GC_FREED_BYTES, load<u64>(GC_FREED_BYTES) + load<u64>(GC_SWEEP_FREED));
  store<u32>(GC_LIVE_OBJECTS, load<u32>(GC_SWEEP_LIVE_OBJECTS));
  store<u32>(GC_LIVE_MANAGED_BYTES, liveManaged);
  store<u32>(GC_LIVE_BYTES, liveManaged + load<u32>(GC_SWEEP_RAW_BYTES));
  setTrigger();
  atomic.store<u32>(GC_SWEEPING, 0);
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
