// What the Runtime holds of each worker, whatever kind of worker it is (worker_threads or Web Worker).

import type { ToWorker, FromWorker } from "./protocol.js";

export interface WorkerHandle {
  post(message: ToWorker): void;
  terminate(): Promise<void>;
  /** Whether the worker keeps the process alive: only while calls are in flight, so a forgotten close() never hangs. */
  keepAlive(alive: boolean): void;
}

/** What the Runtime limits in each worker (RuntimeOptions.workerHeapMb; Node only). */
export interface WorkerLimits {
  heapMb?: number;
}

export interface WorkerEvents {
  message(index: number, message: FromWorker): void;
  /** The worker died (an uncaught error, or it exited when it should not have). */
  died(index: number, reason: string): void;
}
