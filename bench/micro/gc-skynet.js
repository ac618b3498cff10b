#!/usr/bin/env node
// Skynet's collections: per run, the time, the collections and their total pause, and the heap's pages at the end
// (issue 15's pacing target: a run that allocates a million futures should not collect 7-9 times).
//   node bench/micro/gc-skynet.js [WORKERS] [RUNS]      (after npx tsc -p .; one unmeasured run first)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Runtime } from "../../dist/host/index.js";
import { build } from "../../dist/host/toolchain.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [workers = 1, runs = 5] = process.argv.slice(2).map(Number);
const out = await build({ entry: path.join(root, "bench/guest/skynet.ts"), outDir: path.join(root, "build/bench/gc-skynet"), backends: ["asyncify"] });
const rt = await Runtime.start(out.modules.asyncify, { workers });
const rows = [];
try {
  for (let i = 0; i <= runs; i++) {
    const g0 = rt.memoryStats().gc;
    const t0 = performance.now();
    const sum = await rt.call("skynet", 0, 1_000_000, 10);
    const ms = performance.now() - t0;
    if (BigInt(sum) !== 499999500000n) throw new Error(`skynet: wrong sum ${sum}`);
    const g1 = rt.memoryStats().gc;
    if (i === 0) continue; // warm-up
    rows.push({ ms: +ms.toFixed(1), collections: g1.collections - g0.collections, pauseMs: +(g1.totalPauseMs - g0.totalPauseMs).toFixed(1),
      heapMiB: +(rt.memoryStats().heapReserved / 2 ** 20).toFixed(1) });
  }
} finally {
  await rt.close();
}
const median = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[rows.length >> 1];
console.table(rows);
console.log(`skynet, ${workers} worker(s), median of ${rows.length}: ${median("ms")} ms, ${median("collections")} collections, ` +
  `${median("pauseMs")} ms paused, heap ${median("heapMiB")} MiB`);
