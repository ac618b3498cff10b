// Statistics read straight from shared memory (no message round trip): what the scheduler and heap are doing.

import * as L from "./layout.js";

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
  /** Workers that helped a collection mark and sweep (stopped at a safepoint meanwhile), summed over collections. */
  helpers: number;
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

export function readMemoryStats(memory: WebAssembly.Memory, workers: number): MemoryStats {
  const u32 = new Uint32Array(memory.buffer);
  const view = new DataView(memory.buffer);
  const freed = Number(view.getBigUint64(L.GC_FREED_BYTES, true));
  const f64 = (at: number) => view.getFloat64(at, true);
  return {
    heapBytes: Atomics.load(u32, L.HEAP_IN_USE >> 2) + sumWorkers(memory, workers, L.WS_HEAP_IN_USE, "i64") - freed,
    heapReserved: Atomics.load(u32, L.HEAP_TOP >> 2) - Atomics.load(u32, L.HEAP_START >> 2),
    heapFreePages: Atomics.load(u32, L.GC_PAGES_FREE >> 2) * 65536,
    memoryBytes: memory.buffer.byteLength,
    gc: {
      collections: Atomics.load(u32, L.GC_COUNT >> 2),
      skipped: Atomics.load(u32, L.GC_SKIPPED >> 2),
      lastPauseMs: f64(L.GC_PAUSE_LAST_MS),
      maxPauseMs: f64(L.GC_PAUSE_MAX_MS),
      totalPauseMs: f64(L.GC_PAUSE_TOTAL_MS),
      maxSafepointWaitMs: f64(L.GC_SAFEPOINT_MAX_MS),
      liveBytesAfterLast: Atomics.load(u32, L.GC_LIVE_BYTES >> 2),
      liveObjectsAfterLast: Atomics.load(u32, L.GC_LIVE_OBJECTS >> 2),
      liveManagedBytesAfterLast: Atomics.load(u32, L.GC_LIVE_MANAGED_BYTES >> 2),
      allocatedSinceLast: Atomics.load(u32, L.GC_ALLOCATED >> 2),
      nextTriggerBytes: Atomics.load(u32, L.GC_TRIGGER >> 2),
      pinned: Atomics.load(u32, L.GC_PIN_COUNT >> 2),
      enabled: Atomics.load(u32, L.GC_DISABLED >> 2) === 0,
      helpers: Atomics.load(u32, L.GC_HELPERS_TOTAL >> 2),
    },
  };
}

export function readSchedulerStats(memory: WebAssembly.Memory, workers: number): SchedulerStats {
  const u32 = new Uint32Array(memory.buffer);
  return {
    liveThreads: sumWorkers(memory, workers, L.WS_LIVE, "i32"),
    spawned: sumWorkers(memory, workers, L.WS_SPAWNS, "i64"),
    switches: perWorker(memory, workers, L.WS_SWITCHES, "i64"),
    migrations: perWorker(memory, workers, L.WS_MIGRATIONS, "i64"),
    steals: perWorker(memory, workers, L.WS_STEALS, "i64"),
    wakeups: perWorker(memory, workers, L.WS_WAKEUPS, "i64"),
    pins: perWorker(memory, workers, L.WS_PINS, "i32"),
    stackGrowths: Atomics.load(u32, L.STAT_STACK_GROWTHS >> 2),
    runnable: Atomics.load(u32, L.RUNQ_LEN >> 2) + dequeLengths(u32),
    sleeping: Atomics.load(u32, L.TIMER_LEN >> 2),
  };
}

/** A per-worker counter of every worker (each worker writes its own; values may be momentarily stale). */
function perWorker(memory: WebAssembly.Memory, workers: number, field: number, type: "i32" | "i64"): number[] {
  const view = new DataView(memory.buffer);
  return Array.from({ length: workers }, (_, i) => {
    const at = L.WORKER_STATS + i * L.WORKER_STATS_STRIDE + field;
    return type === "i64" ? Number(view.getBigInt64(at, true)) : view.getInt32(at, true);
  });
}

function sumWorkers(memory: WebAssembly.Memory, workers: number, field: number, type: "i32" | "i64"): number {
  return perWorker(memory, workers, field, type).reduce((a, b) => a + b, 0);
}

/** Threads in the workers' deques (snapshots: each may be stale by the time it is read). */
export function dequeLengths(u32: Uint32Array): number {
  let total = 0;
  const limit = Atomics.load(u32, L.DEQUE_LIMIT >> 2);
  for (let i = 0; i < limit; i++) {
    const d = Atomics.load(u32, (L.DEQUES >> 2) + i);
    if (d === 0 || d + L.DEQUE_TAIL + 4 > u32.byteLength) continue; // a view older than the memory's last growth
    const n = (Atomics.load(u32, (d + L.DEQUE_TAIL) >> 2) - Atomics.load(u32, (d + L.DEQUE_HEAD) >> 2)) >>> 0;
    if (n <= 0x7fffffff) total += n; // head and tail read at different moments can look negative
  }
  return total;
}
