// Host-call round-trip baseline: n calls in a row, in plain async/await, of the same functions the vthreads variant
// calls (bench/vthreads/io-host.js): `await echo(i)` (a plain value) or `await resolved(i)` (a resolved promise).
// Metric: ns per call. Verified (sum of 0..n-1).
import { expectValue, sumBelow, now } from "../common.js";
import { echo, resolved } from "../vthreads/io-host.js";

export async function asyncAwait({ n, promise }) {
  const fn = promise ? resolved : echo;
  const t0 = now();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await fn(i);
  const t1 = now();
  expectValue(`io-roundtrip async-await (${promise ? "promise" : "plain value"})`, sum, sumBelow(n));
  return ((t1 - t0) * 1e6) / n;
}
