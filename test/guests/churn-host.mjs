// Host functions for test/guests/churn.ts.
import v8 from "node:v8";
import vm from "node:vm";
import { threadId } from "node:worker_threads";

/** Never settles (until the calling thread is cancelled, which aborts it). */
export function never(signal) {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
}

export const sync = {
  /** Calls back cb(arg) once: a wait inside the callback pins the thread. */
  callOnce(guest, cb, arg) {
    return guest.call(cb, arg);
  },
};

/**
 * Runs a full collection of this worker's JS heap and returns the worker's thread id. The stack-leak tests read the
 * process's mappings after one in every worker: V8 grows a worker's heap for a while before it collects the
 * promises of finished host calls, which would look like a leak.
 */
export function collectJs() {
  v8.setFlagsFromString("--expose-gc");
  vm.runInNewContext("gc")();
  return threadId;
}
