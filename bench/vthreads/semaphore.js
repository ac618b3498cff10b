// vthreads semaphore fan-out: guest bench/guest/semaphore.ts, semaphoreFanout(tasks, permits, work). Timed on the
// host around the root call. Metric: ns per task (spawn, acquire, chunk, yield, release, join, sum).
// Verified: the sum (common.js fanoutExpected) and at most `permits` threads inside at once (exactly `permits` on
// one worker). Info: `maxInside` and the scheduler counters.
import { checkMaxInside, expectValue, fanoutExpected, now } from "../common.js";
import { schedulerDelta } from "./stats.js"; // not host.js: the page in bench/web loads this too

export const guest = "semaphore";

export async function run(rt, { tasks, permits, work }) {
  const before = rt.schedulerStats();
  const t0 = now();
  const sum = await rt.call("semaphoreFanout", tasks, permits, work);
  const t1 = now();
  const after = rt.schedulerStats();
  expectValue("semaphore-fanout vthreads", sum, fanoutExpected(tasks, work));
  const maxInside = Number(await rt.call("maxInside"));
  checkMaxInside("semaphore-fanout vthreads", maxInside, permits, after.switches.length === 1);
  return { value: ((t1 - t0) * 1e6) / tasks, info: { maxInside, ...schedulerDelta(before, after) } };
}
