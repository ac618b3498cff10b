// Fan-out baseline: the same n requests to the same local server (bench/server-process.js), in plain async/await
// with a concurrency limiter of `cap` (cap async workers pulling URLs from a shared index), Node's fetch, each
// page's length stored in a Map. Metric: ms for all n. Verified like the vthreads variant.
import { expectValue, now } from "../common.js";
import { pageServerUrl } from "../server-process.js";

/** Total length of pages 0..n-1 as examples/page-server.js writes them. */
export function pageBytes(n) {
  let total = 0;
  for (let i = 0; i < n; i++) total += `<html><body><h1>page ${i}</h1><p>${"lorem ipsum ".repeat(20)}</p></body></html>`.length;
  return total;
}

export async function asyncAwait({ n, cap, delayMs }) {
  const base = await pageServerUrl({ delayMs });
  const lengths = new Map();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = await fetch(`${base}/page/${i}`);
      if (r.status !== 200) throw new Error(`GET page ${i} answered ${r.status}`);
      lengths.set(i, (await r.text()).length);
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: cap }, worker));
  const t1 = now();
  let total = 0;
  for (const v of lengths.values()) total += v;
  expectValue("io-fanout async-await", lengths.size === n ? total : -1, pageBytes(n));
  return t1 - t0;
}
