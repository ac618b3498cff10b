// vthreads idle CPU: guest bench/guest/idle-cpu.ts. The runner starts a Runtime with the variant's worker count
// (4); a run makes one trivial root call (so every run starts from "just did something"), lets the runtime settle
// `settleMs`, then measures process.cpuUsage() (every thread of the process, the runtime's workers included) over
// `idleMs` of doing nothing. Metric: % of one core. Verified: the call's result, and the workers are all idle
// afterwards (no live threads, nothing runnable).
import { expectValue, sleepMs } from "../common.js";
import { measureIdle } from "../baselines/idle-cpu.js";
import { schedulerDelta } from "./stats.js";

export const guest = "idle-cpu";

export async function run(rt, { settleMs, idleMs }) {
  expectValue("idle-cpu vthreads ping()", await rt.call("ping"), 1);
  await sleepMs(settleMs);
  const before = rt.schedulerStats();
  const pct = await measureIdle(idleMs);
  const after = rt.schedulerStats();
  if (after.liveThreads !== 0 || after.runnable !== 0) {
    throw new Error(`idle-cpu vthreads: runtime not idle (liveThreads ${after.liveThreads}, runnable ${after.runnable})`);
  }
  return { value: pct, info: schedulerDelta(before, after) };
}
