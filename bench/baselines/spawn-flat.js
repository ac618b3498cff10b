// Flat-spawn baseline: n calls of a trivial async function (returns its argument), all started
// before any is awaited, then joined with Promise.all and summed. Result metric: ns per call. Verified.
import { expectValue, sumBelow, now } from "../common.js";

async function identity(x) {
  return x;
}

export async function asyncAwait({ n }) {
  const t0 = now();
  const promises = new Array(n);
  for (let i = 0; i < n; i++) promises[i] = identity(i);
  const results = await Promise.all(promises);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += results[i];
  const t1 = now();
  expectValue("spawn-flat async-await", sum, sumBelow(n));
  return ((t1 - t0) * 1e6) / n;
}
