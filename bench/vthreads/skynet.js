// vthreads skynet: guest bench/guest/skynet.ts, export skynet(num, size, div). The root call is the
// root thread; every tree node is a virtual thread (1,111,111 for size 1e6, div 10). Timed on the host
// around the root call. Metric: ms. Verified. Info: the run's per-worker scheduler counters.
import { expectValue, skynetExpected, now } from "../common.js";
import { schedulerDelta } from "./stats.js";

export const guest = "skynet";

export async function run(rt, { size, div }) {
  const before = rt.schedulerStats();
  const t0 = now();
  const sum = await rt.call("skynet", 0, size, div);
  const t1 = now();
  expectValue("skynet vthreads", sum, skynetExpected(size, div));
  // per-worker scheduler counters of this run (steals and wake-ups where the runtime reports them): table notes
  return { value: t1 - t0, info: schedulerDelta(before, rt.schedulerStats()) };
}
