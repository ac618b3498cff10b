#!/usr/bin/env node
// A fine-grained benchmark's collections, run after run on one warm runtime: per run the time, the collections and
// their total pause, page faults, CPU time and the heap's pages at the end. Which runs are slow, and whether the
// collector is why (issue 15: pacing for skynet; spawn-flat's slow runs are the ones with a collection).
//   node bench/micro/gc-runs.js [skynet|spawn-flat] [WORKERS] [RUNS]      (after npx tsc -p .; one unmeasured run first)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Runtime } from "../../dist/host/index.js";
import { build } from "../../dist/host/toolchain.js";

const WORKLOADS = {
  skynet: { guest: "skynet", call: ["skynet", 0, 1_000_000, 10], expect: 499999500000n },
  "spawn-flat": { guest: "spawn-flat", call: ["spawnFlat", 1_000_000], expect: 499999500000n },
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const name = process.argv[2] ?? "skynet";
const [workers = 1, runs = 5] = process.argv.slice(3).map(Number);
const w = WORKLOADS[name];
if (!w) throw new Error(`gc-runs: unknown workload "${name}" (${Object.keys(WORKLOADS).join(", ")})`);
const out = await build({ entry: path.join(root, `bench/guest/${w.guest}.ts`), outDir: path.join(root, `build/bench/gc-runs-${w.guest}`), backends: ["asyncify"] });
const rt = await Runtime.start(out.modules.asyncify, { workers });
const rows = [];
try {
  for (let i = 0; i <= runs; i++) {
    const g0 = rt.memoryStats().gc;
    const r0 = process.resourceUsage();
    const t0 = performance.now();
    const result = await rt.call(...w.call);
    const ms = performance.now() - t0;
    if (BigInt(result) !== w.expect) throw new Error(`${name}: wrong result ${result}`);
    const g1 = rt.memoryStats().gc;
    const r1 = process.resourceUsage();
    if (i === 0) continue; // warm-up
    rows.push({ ms: +ms.toFixed(1), collections: g1.collections - g0.collections, pauseMs: +(g1.totalPauseMs - g0.totalPauseMs).toFixed(1),
      pageFaults: r1.minorPageFault - r0.minorPageFault, cpuMs: Math.round((r1.userCPUTime + r1.systemCPUTime - r0.userCPUTime - r0.systemCPUTime) / 1000),
      heapMiB: +(rt.memoryStats().heapReserved / 2 ** 20).toFixed(1) });
  }
} finally {
  await rt.close();
}
const median = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[rows.length >> 1];
console.table(rows);
console.log(`${name}, ${workers} worker(s), median of ${rows.length}: ${median("ms")} ms, ${median("collections")} collections, ` +
  `${median("pauseMs")} ms paused, heap ${median("heapMiB")} MiB`);
