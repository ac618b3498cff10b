// Statistics read straight from shared memory (no message round trip): what the scheduler and heap are doing.

import * as L from "./layout.js";

export interface MemoryStats {
  /** Bytes in allocator blocks currently handed out (thread records, saved stacks, guest objects). */
  heapBytes: number;
  /** Bytes of the heap region taken from the memory so far (in use or on free lists). */
  heapReserved: number;
  /** Size of the shared memory in bytes. */
  memoryBytes: number;
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
  /** Times a thread's saved-stack block had to be replaced by a larger one. */
  stackGrowths: number;
  /** Runnable threads waiting in the run queue. */
  runnable: number;
  /** Threads sleeping on a timer. */
  sleeping: number;
}

export function readMemoryStats(memory: WebAssembly.Memory): MemoryStats {
  const u32 = new Uint32Array(memory.buffer);
  return {
    heapBytes: Atomics.load(u32, L.HEAP_IN_USE >> 2),
    heapReserved: Atomics.load(u32, L.HEAP_TOP >> 2) - Atomics.load(u32, L.HEAP_START >> 2),
    memoryBytes: memory.buffer.byteLength,
  };
}

export function readSchedulerStats(memory: WebAssembly.Memory, workers: number): SchedulerStats {
  const u32 = new Uint32Array(memory.buffer);
  const view = new DataView(memory.buffer);
  const perWorker = (field: number) =>
    Array.from({ length: workers }, (_, i) =>
      Number(view.getBigUint64(L.WORKER_STATS + i * L.WORKER_STATS_STRIDE + field, true)),
    );
  return {
    liveThreads: Atomics.load(u32, L.LIVE_THREADS >> 2),
    spawned: Atomics.load(u32, L.STAT_SPAWNS >> 2),
    switches: perWorker(L.WS_SWITCHES),
    migrations: perWorker(L.WS_MIGRATIONS),
    stackGrowths: Atomics.load(u32, L.STAT_STACK_GROWTHS >> 2),
    runnable: Atomics.load(u32, L.RUNQ_LEN >> 2),
    sleeping: Atomics.load(u32, L.TIMER_LEN >> 2),
  };
}
