// vthreads host-call round trip: guest bench/guest/io-roundtrip.ts, export roundTrip(n, promise): n host calls in
// a row from one virtual thread, by name with callHost (a HostArgs and a HostValue per call). Metric: ns per call (timed around the root call). Verified (sum of 0..n-1).
import { expectValue, sumBelow, now } from "../common.js";

export const guest = "io-roundtrip";

export async function run(rt, { n, promise }) {
  return roundTrip(rt, "roundTrip", n, promise);
}

/** The same through `@external("host", ...)` declarations (bench/vthreads/io-roundtrip-declared.js). */
export async function roundTrip(rt, exportName, n, promise) {
  const t0 = now();
  const sum = await rt.call(exportName, n, promise);
  const t1 = now();
  expectValue(`io-roundtrip vthreads (${promise ? "promise" : "plain value"})`, Number(sum), sumBelow(n));
  return ((t1 - t0) * 1e6) / n;
}
