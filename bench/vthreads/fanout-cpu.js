// vthreads fan-out of CPU work: guest bench/guest/fanout-cpu.ts, export fanout(n, k). The root thread spawns
// n threads into one group (each a xorshift32 loop of k iterations, yielding 4 times), joins them and sums
// their results; checked against the same arithmetic in JS (fanoutExpected). Timed on the host around the
// root call. Metric: ms. Run at 1, 2 (and os.availableParallelism()) workers: the speed-up is the point.
// Also reports the run's scheduler counters (per worker: switches, migrations, steals and wake-ups when the
// runtime has them) as info for the table's notes.
import { expectValue, fanoutExpected, now } from "../common.js";
import { schedulerDelta } from "./stats.js";

export const guest = "fanout-cpu";

export async function run(rt, { n, k }) {
  const expected = fanoutExpected(n, k);
  const before = rt.schedulerStats();
  const t0 = now();
  const sum = await rt.call("fanout", n, k);
  const t1 = now();
  const info = schedulerDelta(before, rt.schedulerStats());
  expectValue(`fanout-cpu vthreads (${rt.workers?.length ?? "?"} workers)`, sum, expected);
  return { value: t1 - t0, info };
}
