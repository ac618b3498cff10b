// Pause baseline for gc-pause: V8's full, stop-the-world collection (`gc()`, needs --expose-gc: run.js starts its
// children with it) with the same live data as the guest keeps: live/4 objects, each with a string and a 1-element
// array. Metric: median of `collections` timed gc() calls, ms; info: the worst.
import { SkipError, expectValue, gcPauseExpected, now } from "../common.js";

export async function v8FullGc({ live, collections }) {
  if (typeof globalThis.gc !== "function") throw new SkipError("global.gc is not exposed (run node with --expose-gc)");
  const nodes = [];
  for (let i = 0; i < live / 4; i++) nodes.push({ value: i, name: "n" + String(i & 1023), items: [i] });
  const pauses = [];
  for (let i = 0; i < collections; i++) {
    const t0 = now();
    globalThis.gc();
    pauses.push(now() - t0);
  }
  let sum = 0;
  for (const node of nodes) sum += node.items[0];
  expectValue("gc-pause v8", sum, gcPauseExpected(live));
  pauses.sort((a, b) => a - b);
  return { value: pauses[pauses.length >> 1], info: { worstMs: pauses[pauses.length - 1] } };
}

/**
 * Baseline for gc-pause-parked: V8's full collection with `threads` suspended async functions, each holding a list of
 * `each` objects in its frame (what a JS program parks instead of threads). Metric: median of `collections` timed
 * gc() calls, ms; info: the worst.
 */
export async function v8ParkedFullGc({ threads, each, collections }) {
  if (typeof globalThis.gc !== "function") throw new SkipError("global.gc is not exposed (run node with --expose-gc)");
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const parked = async () => {
    let list = null;
    for (let i = 0; i < each; i++) list = { value: i, next: list };
    await released;
    let n = 0;
    for (; list !== null; list = list.next) n++;
    return n;
  };
  const all = [];
  for (let i = 0; i < threads; i++) all.push(parked());
  const pauses = [];
  for (let i = 0; i < collections; i++) {
    const t0 = now();
    globalThis.gc();
    pauses.push(now() - t0);
  }
  release();
  const counts = await Promise.all(all);
  expectValue("gc-pause-parked v8", counts.reduce((a, b) => a + b, 0), threads * each);
  pauses.sort((a, b) => a - b);
  return { value: pauses[pauses.length >> 1], info: { worstMs: pauses[pauses.length - 1] } };
}
