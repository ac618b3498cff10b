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
