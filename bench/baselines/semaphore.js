// Semaphore fan-out baseline: `tasks` async functions started at once share a promise-based semaphore
// (baselines/promise-sync.js) of `permits`; each acquires, does the same xorshift32 chunk as bench/guest/semaphore.ts
// (common.js fanoutChunk, `work` iterations), awaits once (`await null`, the async way to yield) while holding the
// permit, and releases; Promise.all, sum. Same checks: at most `permits` inside at once, and the sum.
import { checkMaxInside, expectValue, fanoutChunk, fanoutExpected, now } from "../common.js";
import { PromiseSemaphore } from "./promise-sync.js";

export async function asyncAwait({ tasks, permits, work }) {
  const sem = new PromiseSemaphore(permits);
  let inside = 0;
  let maxInside = 0;
  const task = async (i) => {
    await sem.acquire();
    if (++inside > maxInside) maxInside = inside;
    const x = fanoutChunk(i, work);
    await null; // while holding the permit
    inside--;
    sem.release();
    return x;
  };
  const t0 = now();
  const running = [];
  for (let i = 0; i < tasks; i++) running.push(task(i));
  const results = await Promise.all(running);
  let sum = 0;
  for (const r of results) sum += r;
  const t1 = now();
  expectValue("semaphore-fanout async-await", sum, fanoutExpected(tasks, work));
  checkMaxInside("semaphore-fanout async-await", maxInside, permits, true);
  return { value: ((t1 - t0) * 1e6) / tasks, info: { maxInside } };
}
