// Mutex baselines: a promise-based mutex (baselines/promise-sync.js) used from async functions.
// Same shapes and checks as bench/guest/mutex.ts:
// - uncontended: one async function does `await m.lock(); counter++; m.unlock()` n times; ns per lock+unlock.
// - contended: `threads` async functions each increment the counter k times, awaiting once (`await null`, the
//   async way to yield) between reading and writing it while holding the lock; ns per lock+unlock. The total must be
//   threads * k, which it only is if the lock excluded.
import { expectValue, now } from "../common.js";
import { PromiseMutex } from "./promise-sync.js";

export async function uncontended({ n }) {
  const m = new PromiseMutex();
  const box = { n: 0 };
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await m.lock();
    box.n++;
    m.unlock();
  }
  const t1 = now();
  expectValue("mutex-uncontended async-await", box.n, n);
  return ((t1 - t0) * 1e6) / n;
}

export async function contended({ threads, k }) {
  const m = new PromiseMutex();
  let counter = 0;
  let waited = 0;
  const incrementer = async () => {
    for (let i = 0; i < k; i++) {
      if (m.locked) waited++; // will queue
      await m.lock();
      const v = counter;
      await null; // hold the lock across a switch
      counter = v + 1;
      m.unlock();
    }
  };
  const t0 = now();
  const tasks = [];
  for (let i = 0; i < threads; i++) tasks.push(incrementer());
  await Promise.all(tasks);
  const t1 = now();
  expectValue("mutex-contended async-await", counter, threads * k);
  return { value: ((t1 - t0) * 1e6) / (threads * k), info: { waited } };
}
