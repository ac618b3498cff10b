// vthreads channel ping-pong: guest bench/guest/channel.ts, channelPingpong(n, poll). Timed on the host around the
// root call. Metric: ns per one-way hand-off (elapsed / 2n). Verified: the sum (n * n) and every message in order.
// - blocking(rt, params): the receivers park in next()/recv() (what a user writes).
// - polling(rt, params): the receivers yield until a message is there (keeps each thread on its worker).
// Info: `cross` = hand-offs whose receiver ran on another worker than the sender (2n at most), and the scheduler
// counters.
import { expectValue, now } from "../common.js";
import { schedulerDelta } from "./stats.js"; // not host.js: the page in bench/web loads this too

export const guest = "channel";

async function pingpong(rt, n, poll) {
  const before = rt.schedulerStats();
  const t0 = now();
  const result = await rt.call("channelPingpong", n, poll);
  const t1 = now();
  const after = rt.schedulerStats();
  if (BigInt(result) < 0n) throw new Error(`channel-pingpong vthreads: ${-BigInt(result)} messages were not the expected one`);
  expectValue("channel-pingpong vthreads", result, BigInt(n) * BigInt(n));
  const cross = Number(await rt.call("crossHandoffs"));
  return { value: ((t1 - t0) * 1e6) / (2 * n), info: { cross, handoffs: 2 * n, ...schedulerDelta(before, after) } };
}

export const blocking = (rt, { n }) => pingpong(rt, n, 0);
export const polling = (rt, { n }) => pingpong(rt, n, 1);
