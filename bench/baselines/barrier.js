// Event + WaitGroup rounds baseline: the promise-based event and wait group of baselines/promise-sync.js, same shape
// and checks as bench/guest/barrier.ts: `threads` async functions run `rounds` rounds (await event r, then done() on
// wait group r); the root sets event r and awaits wait group r. Metric: ns per thread and round.
import { expectValue, sumBelow, now } from "../common.js";
import { PromiseEvent, PromiseWaitGroup } from "./promise-sync.js";

export async function asyncAwait({ threads, rounds }) {
  const events = [];
  const groups = [];
  for (let r = 0; r < rounds; r++) {
    events.push(new PromiseEvent());
    const wg = new PromiseWaitGroup();
    wg.add(threads);
    groups.push(wg);
  }
  let early = 0;
  const member = async () => {
    let acc = 0;
    for (let r = 0; r < rounds; r++) {
      await events[r].wait();
      if (!events[r].isSet) early++;
      acc += r;
      groups[r].done();
    }
    return acc;
  };
  const t0 = now();
  const members = [];
  for (let i = 0; i < threads; i++) members.push(member());
  for (let r = 0; r < rounds; r++) {
    events[r].set();
    await groups[r].wait();
  }
  const sums = await Promise.all(members);
  const t1 = now();
  if (early !== 0) throw new Error(`event-waitgroup async-await: ${early} waits returned before their event was set`);
  expectValue("event-waitgroup async-await", sums.reduce((a, b) => a + b, 0), BigInt(threads) * sumBelow(rounds));
  return ((t1 - t0) * 1e6) / (threads * rounds);
}
