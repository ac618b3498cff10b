#!/usr/bin/env node
// A benchmark's plain-JS baseline and its vthreads variants in ONE process, in interleaved rounds: the ratios the
// targets of bench/README are stated in (vthreads against async/await, 2 workers against 1) under the same load.
// bench/run.js runs each variant in a child process of its own, minutes apart; on a shared VM the async/await
// baseline alone moved 10 % between two runs (652.8 and 731.2 ms on skynet), which decides a 0.2x target.
//
//   node bench/paired.js <benchmark> [rounds] [--quick]
//   node bench/paired.js skynet 21
//
// Variants: the benchmark's first baseline (Node 20, one worker) and its vthreads variants on the Asyncify backend
// (workers as benchmarks.js lists them). One unmeasured run of each, then `rounds` rounds of one run each, in turn.
// Prints each variant's median and minimum, and the medians' ratios. Every run starts after a pause (SETTLE_MS). The baseline runs on this thread while the
// runtimes' workers sleep; a vthreads run awaits its root call here while its workers run it.
import { benchmarks } from "./benchmarks.js";
import { median } from "./stats.js";
import { buildGuest, startRuntime } from "./vthreads/host.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const [name, roundsArg] = args.filter((a) => !a.startsWith("--"));
const bench = benchmarks.find((b) => b.name === name);
const rounds = roundsArg === undefined ? 11 : Number(roundsArg);
if (!bench || !(Number.isInteger(rounds) && rounds > 0)) {
  console.error(`usage: node bench/paired.js <benchmark> [rounds] [--quick]\nbenchmarks: ${benchmarks.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const params = quick ? bench.quickParams : bench.params;
const baseline = bench.variants.find((v) => v.kind === "baseline" && !v.node);
const threaded = bench.variants.filter((v) => v.kind === "vthreads" && !v.node && !v.backend && !v.runtime && !v.export);
if (!baseline || threaded.length === 0) {
  console.error(`paired.js: ${name} has no plain baseline or no default vthreads variant`);
  process.exit(2);
}

const SETTLE_MS = 300;
const built = new Map(); // guest name -> its build (once for both worker counts)

/** A variant as a function that runs it once and returns its metric. */
async function prepare(v) {
  const mod = await import(new URL(v.module, import.meta.url).href);
  if (v.kind === "baseline") return { label: `${v.variant} (1 w)`, once: () => mod[v.export]({ ...params, workers: v.workers }) };
  const guest = v.guest ?? mod.guest;
  if (!built.has(guest)) built.set(guest, await buildGuest(guest));
  const rt = await startRuntime(built.get(guest), v.workers, { backend: "asyncify" });
  const once = async () => {
    const out = await mod.run(rt, params);
    return typeof out === "object" ? out.value : out;
  };
  return { label: `vthreads (${v.workers} w)`, once, close: () => rt.close() };
}

const runs = [];
for (const v of [baseline, ...threaded]) runs.push(await prepare(v));
for (const r of runs) await r.once(); // warm-up
const samples = runs.map(() => []);
// A pause before each run: the baseline leaves this isolate's collector work (a million promises) that V8 finishes on
// helper threads, which would otherwise run during the next variant and take a core from its workers.
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < runs.length; i++) {
    await settle();
    samples[i].push(await runs[i].once());
  }
}
for (const r of runs) await r.close?.();

const medians = samples.map((s) => median(s));
console.log(`${name} (${JSON.stringify(params)}), ${rounds} interleaved rounds, unit ${bench.unit}:`);
runs.forEach((r, i) => {
  const vsBase = i === 0 ? "" : `   ${(medians[i] / medians[0]).toFixed(3)}x ${runs[0].label}`;
  const vsOne = i > 1 ? `   ${(medians[i] / medians[1]).toFixed(3)}x ${runs[1].label}` : "";
  console.log(`  ${r.label.padEnd(24)} median ${medians[i].toFixed(2).padStart(9)}  min ${Math.min(...samples[i]).toFixed(2).padStart(9)}${vsBase}${vsOne}`);
});
process.exit(0); // a runtime closed, the baseline's timers done: nothing else to wait for
