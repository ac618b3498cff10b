// Statistics read straight from shared memory (no message round trip): what the scheduler and heap are doing.

import * as L from "../abi/layout.js";
import type { SharedState, CounterType } from "../abi/shared-state.js";

export interface MemoryStats {
  /**
   * Bytes in allocator blocks currently handed out (thread records, saved stacks, guest objects). Garbage counts
   * until a collection frees it.
   */
  heapBytes: number;
  /** Bytes of the heap region taken from the memory so far (in use, free, or free pages waiting for reuse). */
  heapReserved: number;
  /** Bytes of the heap's pages that are free for reuse (returned by the collector or by freed large blocks). */
  heapFreePages: number;
  /** Size of the shared memory in bytes. */
  memoryBytes: number;
  /** The garbage collector. */
  gc: GcStats;
}

export interface GcStats {
  /** Collections completed. */
  collections: number;
  /** Collections abandoned because a worker's roots could not be published (out of memory). */
  skipped: number;
  /** Stop-the-world pauses in milliseconds: the last one, the longest, and their total. */
  lastPauseMs: number;
  maxPauseMs: number;
  totalPauseMs: number;
  /**
   * A collection marks in steps, one per pause, with the workers running in between: the longest pause of the last
   * complete collection, and how many pauses it took.
   */
  lastCollectionMaxPauseMs: number;
  lastCollectionPauses: number;
  /** How long the last scan of the roots (static data, thread records, saved stacks) took, in milliseconds. */
  lastRootScanMs: number;
  /**
   * Workers that marked together in the pause that ended the last collection's marking: the collector and those
   * stopped at its safepoint (1 when the others were idle, or there are none).
   */
  lastMarkWorkers: number;
  /** Longest wait of a collector for every worker to reach a safepoint (part of the pause). */
  maxSafepointWaitMs: number;
  /** Heap bytes in use after the last collection (raw runtime blocks and live guest objects). */
  liveBytesAfterLast: number;
  /** Guest objects, and their bytes, that the last collection found alive. */
  liveObjectsAfterLast: number;
  liveManagedBytesAfterLast: number;
  /** Bytes allocated since the last collection, and the amount at which the next one is requested. */
  allocatedSinceLast: number;
  nextTriggerBytes: number;
  /** References pinned by the host, plus one: the runtime pins its default (background) group. */
  pinned: number;
  /** False when the runtime was started with `gc: false`. */
  enabled: boolean;
}

export interface SchedulerStats {
  /** Threads spawned and not yet finished. */
  liveThreads: number;
  /** Threads spawned since start. */
  spawned: number;
  /** Thread starts and resumes, per worker. */
  switches: number[];
  /** Resumes of a thread on a different worker than the one it last ran on, per worker. */
  migrations: number[];
  /** Successful steals from other workers' run queues, per (stealing) worker. */
  steals: number[];
  /** Sleeping workers woken, per (waking) worker. */
  wakeups: number[];
  /** Pinned waits (a thread with a host function's frame on its stack blocked and its worker waited), per worker. */
  pins: number[];
  /** Times a thread's saved-stack block had to be replaced by a larger one. */
  stackGrowths: number;
  /** Runnable threads waiting in the run queue. */
  runnable: number;
  /** Threads sleeping on a timer. */
  sleeping: number;
}

/** Bytes in use on the shared heap, read from shared memory. */
export function readMemoryStats(shared: SharedState, workers: number): MemoryStats {
  const freed = shared.u64(L.GC_FREED_BYTES);
  return {
    heapBytes: shared.u32(L.HEAP_IN_USE) + sumWorkers(shared, workers, L.WS_HEAP_IN_USE, "i64") - freed,
    heapReserved: shared.u32(L.HEAP_TOP) - shared.u32(L.HEAP_START),
    heapFreePages: shared.u32(L.GC_PAGES_FREE) * L.PAGE_SIZE,
    memoryBytes: shared.memory.buffer.byteLength,
    gc: {
      collections: shared.u32(L.GC_COUNT),
      skipped: shared.u32(L.GC_SKIPPED),
      lastPauseMs: shared.f64(L.GC_PAUSE_LAST_MS),
      maxPauseMs: shared.f64(L.GC_PAUSE_MAX_MS),
      totalPauseMs: shared.f64(L.GC_PAUSE_TOTAL_MS),
      lastCollectionMaxPauseMs: shared.f64(L.GC_CYCLE_MAX_MS),
      lastCollectionPauses: shared.u32(L.GC_CYCLE_PAUSES),
      lastRootScanMs: shared.f64(L.GC_ROOT_SCAN_MS),
      lastMarkWorkers: shared.u32(L.GC_CYCLE_WORKERS),
      maxSafepointWaitMs: shared.f64(L.GC_SAFEPOINT_MAX_MS),
      liveBytesAfterLast: shared.u32(L.GC_LIVE_BYTES),
      liveObjectsAfterLast: shared.u32(L.GC_LIVE_OBJECTS),
      liveManagedBytesAfterLast: shared.u32(L.GC_LIVE_MANAGED_BYTES),
      allocatedSinceLast: shared.u32(L.GC_ALLOCATED),
      nextTriggerBytes: shared.u32(L.GC_TRIGGER),
      pinned: shared.u32(L.GC_PIN_COUNT),
      enabled: shared.gcEnabled(),
    },
  };
}

/** Scheduler counters, read from shared memory. */
export function readSchedulerStats(shared: SharedState, workers: number): SchedulerStats {
  return {
    liveThreads: sumWorkers(shared, workers, L.WS_LIVE, "i32"),
    spawned: sumWorkers(shared, workers, L.WS_SPAWNS, "i64"),
    switches: perWorker(shared, workers, L.WS_SWITCHES, "i64"),
    migrations: perWorker(shared, workers, L.WS_MIGRATIONS, "i64"),
    steals: perWorker(shared, workers, L.WS_STEALS, "i64"),
    wakeups: perWorker(shared, workers, L.WS_WAKEUPS, "i64"),
    pins: perWorker(shared, workers, L.WS_PINS, "i32"),
    stackGrowths: shared.u32(L.STAT_STACK_GROWTHS),
    runnable: shared.u32(L.RUNQ_LEN) + shared.dequeLengths(),
    sleeping: shared.u32(L.TIMER_LEN),
  };
}

/** A per-worker counter of every worker (each worker writes its own; values may be momentarily stale). */
function perWorker(shared: SharedState, workers: number, field: number, type: CounterType): number[] {
  return Array.from({ length: workers }, (_, i) => shared.counter(i, field, type));
}

function sumWorkers(shared: SharedState, workers: number, field: number, type: CounterType): number {
  return perWorker(shared, workers, field, type).reduce((a, b) => a + b, 0);
}
