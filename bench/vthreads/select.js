// vthreads select ping-pong: guest bench/guest/select.ts, selectPingpong(n). Timed on the host around the root
// call. Metric: ns per one-way hand-off (elapsed / 2n), each received through a 2-way select. Verified: the sum
// (n * n) and every message in order.
import { expectValue, now } from "../common.js";
import { schedulerDelta } from "./stats.js";

export const guest = "select";

export async function blocking(rt, { n }) {
  const before = rt.schedulerStats();
  const t0 = now();
  const result = await rt.call("selectPingpong", n);
  const t1 = now();
  const after = rt.schedulerStats();
  if (BigInt(result) < 0n) throw new Error(`select-pingpong vthreads: ${-BigInt(result)} messages were not the expected one`);
  expectValue("select-pingpong vthreads", result, BigInt(n) * BigInt(n));
  return { value: ((t1 - t0) * 1e6) / (2 * n), info: schedulerDelta(before, after) };
}
