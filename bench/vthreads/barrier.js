// vthreads Event + WaitGroup rounds: guest bench/guest/barrier.ts, barrierRounds(threads, rounds). Timed on the host
// around the root call (which includes spawning the threads and allocating the rounds' events and wait groups).
// Metric: ns per thread and round. Verified: the sum, and no wait returned before its event was set.
import { expectValue, sumBelow, now } from "../common.js";
import { schedulerDelta } from "./stats.js"; // not host.js: the page in bench/web loads this too

export const guest = "barrier";

export async function run(rt, { threads, rounds }) {
  const before = rt.schedulerStats();
  const t0 = now();
  const result = await rt.call("barrierRounds", threads, rounds);
  const t1 = now();
  const after = rt.schedulerStats();
  if (BigInt(result) < 0n) throw new Error(`event-waitgroup vthreads: ${-BigInt(result)} waits returned before their event was set`);
  expectValue("event-waitgroup vthreads", result, BigInt(threads) * sumBelow(rounds));
  return { value: ((t1 - t0) * 1e6) / (threads * rounds), info: schedulerDelta(before, after) };
}
