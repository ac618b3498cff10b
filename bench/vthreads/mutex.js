// vthreads mutex benchmarks: guest bench/guest/mutex.ts. Timed on the host around the root call.
// - uncontended(rt, { n }): mutexUncontended(n), ns per lock+unlock (with the guarded increment); the info
//   `loopNs` is the same loop on an unguarded counter (plainLoop), the part of that which is not the mutex.
// - contended(rt, { threads, k }): mutexContended(threads, k), ns per lock+unlock; info `waited` = lock() calls that
//   found the lock taken (all but the very first on one worker) and the scheduler counters.
import { expectValue, now } from "../common.js";
import { schedulerDelta } from "./stats.js"; // not host.js: the page in bench/web loads this too

export const guest = "mutex";

export async function uncontended(rt, { n }) {
  const t0 = now();
  const total = await rt.call("mutexUncontended", n);
  const t1 = now();
  expectValue("mutex-uncontended vthreads", total, n);
  const loop = await rt.call("plainLoop", n);
  const t2 = now();
  expectValue("mutex-uncontended vthreads (plain loop)", loop, n);
  return { value: ((t1 - t0) * 1e6) / n, info: { loopNs: ((t2 - t1) * 1e6) / n } };
}

export async function contended(rt, { threads, k }) {
  const before = rt.schedulerStats();
  const t0 = now();
  const total = await rt.call("mutexContended", threads, k);
  const t1 = now();
  const after = rt.schedulerStats();
  expectValue("mutex-contended vthreads", total, threads * k);
  const waited = Number(await rt.call("contendedWaits"));
  return { value: ((t1 - t0) * 1e6) / (threads * k), info: { waited, ...schedulerDelta(before, after) } };
}
