// Host functions that kill the worker that runs them (test/runtime/worker-death.test.ts), each a different way a
// worker dies under a running runtime.

/** The worker thread exits (process.exit in a worker_threads worker ends that worker only). */
export function exitWorker(code) {
  process.exit(code);
}

/** Code of the host module throws outside any call, after start: an uncaught exception ends the worker. */
export function throwLater(message) {
  setTimeout(() => {
    throw new Error(message);
  }, 0);
  return new Promise(() => {});
}

/** Runs the worker's JS heap out of memory (the runtime gives workers a small heap: RuntimeOptions.workerHeapMb). */
export function exhaustHeap() {
  const hoard = [];
  for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
}

/** Never settles: a thread parked in a host call on the worker that runs it. */
export function never() {
  return new Promise(() => {});
}
