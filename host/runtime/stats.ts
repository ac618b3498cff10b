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
  /** Successful steals from other workers' run queues, per (stealing) worker. */
  steals: number[];
  /** Sleeping workers woken, per (waking) worker. */
  wakeups: number[];
  /** Times a thread's saved-stack block had to be replaced by a larger one. */
  stackGrowths: number;
  /** Runnable threads waiting in the run queue. */
  runnable: number;
  /** Threads sleeping on a timer. */
  sleeping: number;
}

export function readMemoryStats(memory: WebAssembly.Memory, workers: number): MemoryStats {
  const u32 = new Uint32Array(memory.buffer);
  return {
    heapBytes: Atomics.load(u32, L.HEAP_IN_USE >> 2) + sumWorkers(memory, workers, L.WS_HEAP_IN_USE, "i64"),
    heapReserved: Atomics.load(u32, L.HEAP_TOP >> 2) - Atomics.load(u32, L.HEAP_START >> 2),
    memoryBytes: memory.buffer.byteLength,
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
