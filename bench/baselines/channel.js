// Channel ping-pong baseline: two async functions bounce a number over two bounded promise-based channels
// (baselines/promise-sync.js, capacity 1), n round trips = 2n one-way hand-offs. The pinger sends i and awaits i + 1;
// the ponger receives with `for await (const v of ping)` (async iteration over the queue) until the pinger closes it,
// and answers v + 1. Same checks as bench/guest/channel.ts. Metric: ns per one-way hand-off.
import { expectValue, now } from "../common.js";
import { AsyncChannel } from "./promise-sync.js";

export async function asyncAwait({ n }) {
  const ping = new AsyncChannel(1);
  const pong = new AsyncChannel(1);
  let bad = 0;
  const pinger = async () => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      await ping.send(i);
      const v = await pong.recv();
      if (v !== i + 1) bad++;
      acc += v;
    }
    ping.close();
    return acc;
  };
  const ponger = async () => {
    let acc = 0;
    let expect = 0;
    for await (const v of ping) {
      if (v !== expect++) bad++;
      acc += v;
      await pong.send(v + 1);
    }
    return acc;
  };
  const t0 = now();
  const [a, b] = await Promise.all([pinger(), ponger()]);
  const t1 = now();
  if (bad !== 0) throw new Error(`channel-pingpong async-await: ${bad} messages were not the expected one`);
  expectValue("channel-pingpong async-await", a + b, BigInt(n) * BigInt(n));
  return ((t1 - t0) * 1e6) / (2 * n);
}
