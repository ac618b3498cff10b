// vthreads fan-out: guest bench/guest/io-fanout.ts, export fanout(base, n, cap): n real HTTP requests to a local
// server in another process (bench/server-process.js) through ThreadGroup(cap), built-in fetch. Timed on the host
// around the root call. Metric: ms for all n. Verified (every page stored; total bytes match the server's pages).
import { expectValue, now } from "../common.js";
import { pageServerUrl } from "../server-process.js";
import { pageBytes } from "../baselines/io-fanout.js";

export const guest = "io-fanout";

export async function run(rt, { n, cap, delayMs }) {
  const base = await pageServerUrl({ delayMs });
  const t0 = now();
  const total = await rt.call("fanout", base, n, cap);
  const t1 = now();
  expectValue("io-fanout vthreads", Number(total), pageBytes(n));
  return t1 - t0;
}
