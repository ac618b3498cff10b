// vthreads skynet: guest bench/guest/skynet.ts, export skynet(num, size, div). The root call is the
// root thread; every tree node is a virtual thread (1,111,111 for size 1e6, div 10). Timed on the host
// around the root call. Metric: ms. Verified.
import { expectValue, skynetExpected, now } from "../common.js";

export const guest = "skynet";

export async function run(rt, { size, div }) {
  const t0 = now();
  const sum = await rt.call("skynet", 0, size, div);
  const t1 = now();
  expectValue("skynet vthreads", sum, skynetExpected(size, div));
  return t1 - t0;
}
