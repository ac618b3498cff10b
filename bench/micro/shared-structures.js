#!/usr/bin/env node
// Per-operation costs of the structures the workers share, on 1 and on 2 workers (or --workers LIST): the numbers
// behind bench/README.md "Beyond two cores". Each line is one operation on one structure; its value is the time of
// the whole run divided by the operations of ALL workers (so a structure that scales perfectly halves it on 2
// workers, and one that serialises keeps it or worse). Every run checks its result.
//
//   node bench/micro/shared-structures.js [--quick] [--reps R] [--workers 1,2] [--only NAME] [--json FILE]
//
// The guests: bench/guest/shared-ops.ts (yield, sleep, spin-lock and atomic-add storms), and the benchmarks'
// spawn-flat, gc-alloc and gc-pause guests with their own drivers (bench/vthreads/*.js).
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expectValue, gcAllocExpected, now } from "../common.js";
import { median, relativeMad } from "../stats.js";
import { buildGuest, startRuntime } from "../vthreads/host.js";
import { schedulerDelta } from "../vthreads/stats.js";
import { run as gcPauseRun } from "../vthreads/gc-pause.js";
import { run as spawnFlatRun } from "../vthreads/spawn-flat.js";

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const steals = (before, after) => sum(schedulerDelta(before, after).steals ?? []);

/** A storm export of shared-ops.ts: `threads` threads x k operations; ns per operation over all workers. */
function storm(exportName, what, { threads, k, extra = [], expected = (t, kk) => BigInt(t) * BigInt(kk), spinners = false }) {
  return async (rt, workers, p) => {
    const t = threads(workers, p);
    const kk = k(p);
    const before = rt.schedulerStats();
    const t0 = now();
    const got = await rt.call(exportName, t, kk, ...extra);
    const t1 = now();
    expectValue(what, got, expected(t, kk));
    const info = { threads: t, steals: steals(before, rt.schedulerStats()) };
    if (spinners) info.onWorkers = await rt.call("spinnerWorkers", t);
    return { value: ((t1 - t0) * 1e6) / (t * kk), info };
  };
}

/** One thread per worker (the spinners must run at once to contend). */
const onePerWorker = (workers) => workers;

const measurements = [
  {
    name: "runq-yield",
    structure: "run queue",
    operation: "yield, 1,000 threads (more than a worker's queue holds: overflow to the global queue, steals)",
    unit: "ns/yield",
    guest: "shared-ops",
    params: { threads: 1000, k: 200 },
    quickParams: { threads: 1000, k: 20 },
    run: storm("yieldStorm", "yieldStorm", { threads: (w, p) => p.threads, k: (p) => p.k }),
  },
  {
    name: "runq-spawn",
    structure: "run queue",
    operation: "spawn + run + join of a trivial thread (spawn-flat)",
    unit: "ns/spawn",
    guest: "spawn-flat",
    params: { n: 1_000_000 },
    quickParams: { n: 100_000 },
    run: async (rt, workers, p) => {
      const before = rt.schedulerStats();
      const value = await spawnFlatRun(rt, p);
      return { value, info: { steals: steals(before, rt.schedulerStats()) } };
    },
  },
  {
    name: "lock",
    structure: "a global spin lock",
    operation: "lock + 4 plain stores + unlock, one spinning thread per worker",
    unit: "ns/op",
    guest: "shared-ops",
    params: { k: 2_000_000 },
    quickParams: { k: 200_000 },
    run: storm("lockStorm", "lockStorm", { threads: onePerWorker, k: (p) => p.k, spinners: true }),
  },
  {
    name: "line-shared",
    structure: "a shared cache line",
    operation: "atomic.add on one shared word, one thread per worker",
    unit: "ns/op",
    guest: "shared-ops",
    params: { k: 5_000_000 },
    quickParams: { k: 500_000 },
    run: storm("addStorm", "addStorm shared", { threads: onePerWorker, k: (p) => p.k, extra: [0], spinners: true }),
  },
  {
    name: "line-own",
    structure: "a per-worker cache line",
    operation: "atomic.add on a word of the thread's own cache line, one thread per worker",
    unit: "ns/op",
    guest: "shared-ops",
    params: { k: 5_000_000 },
    quickParams: { k: 500_000 },
    run: storm("addStorm", "addStorm padded", { threads: onePerWorker, k: (p) => p.k, extra: [1], spinners: true }),
  },
  {
    name: "alloc",
    structure: "allocator",
    operation: "allocation (gc-alloc's 4 per step), one allocating thread per worker; collection pauses subtracted",
    unit: "ns/alloc",
    guest: "gc-alloc",
    params: { n: 500_000 },
    quickParams: { n: 50_000 },
    run: async (rt, workers, { n }) => {
      const before = rt.memoryStats().gc;
      const t0 = now();
      const sums = await Promise.all(Array.from({ length: workers }, () => rt.call("allocate", n)));
      const t1 = now();
      for (const s of sums) expectValue("gc-alloc per worker", s, gcAllocExpected(n));
      const after = rt.memoryStats().gc;
      const pauseMs = after.totalPauseMs - before.totalPauseMs;
      const allocs = 4 * n * workers;
      return {
        value: ((t1 - t0 - pauseMs) * 1e6) / allocs,
        info: { withPausesNs: ((t1 - t0) * 1e6) / allocs, collections: after.collections - before.collections, pauseMs },
      };
    },
  },
  {
    name: "gc-pause",
    structure: "collector",
    operation: "stop-the-world pause with 100,000 live objects (per live object: value / 100,000)",
    unit: "ms",
    guest: "gc-pause",
    params: { live: 100_000, collections: 9 },
    quickParams: { live: 100_000, collections: 3 },
    run: async (rt, workers, p) => {
      const out = await gcPauseRun(rt, p);
      return { value: out.value, info: { ...out.info, nsPerLiveObject: (out.value * 1e6) / p.live, safepointMaxMs: rt.memoryStats().gc.maxSafepointWaitMs } };
    },
  },
  {
    name: "timer-sleep",
    structure: "timer heap",
    operation: "sleep(0): timer insert + fire (remove) under the heap's lock + park + unpark, 1,000 threads",
    unit: "ns/sleep",
    guest: "shared-ops",
    params: { threads: 1000, k: 50 },
    quickParams: { threads: 1000, k: 5 },
    run: storm("sleepStorm", "sleepStorm", { threads: (w, p) => p.threads, k: (p) => p.k }),
  },
];

function usage(message) {
  if (message) console.error(`shared-structures.js: ${message}`);
  console.error("usage: node bench/micro/shared-structures.js [--quick] [--reps R] [--workers 1,2] [--only NAME]... [--json FILE]");
  console.error(`measurements: ${measurements.map((m) => m.name).join(", ")}`);
  process.exit(message ? 2 : 0);
}

function parseArgs(argv) {
  const opts = { quick: false, reps: undefined, workers: [1, 2], only: [], json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usage(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") opts.quick = true;
    else if (a === "--reps") {
      opts.reps = Number(value());
      if (!Number.isInteger(opts.reps) || opts.reps < 1) usage("--reps must be an integer >= 1");
    } else if (a === "--workers") {
      const text = value();
      opts.workers = text.split(",").map(Number);
      if (opts.workers.some((w) => !Number.isInteger(w) || w < 1 || w > 64)) usage(`--workers ${text}: expected worker counts from 1 to 64`);
    } else if (a === "--only") opts.only.push(...value().split(","));
    else if (a === "--json") opts.json = value();
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown option ${a}`);
  }
  for (const o of opts.only) if (!measurements.some((m) => m.name === o)) usage(`--only ${o}: no such measurement`);
  opts.reps ??= opts.quick ? 2 : 5;
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const chosen = measurements.filter((m) => opts.only.length === 0 || opts.only.includes(m.name));
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model?.trim() ?? "unknown", node: process.version };
  console.log(`shared structures: node ${machine.node}, ${machine.cpus} x ${machine.model}; ${opts.quick ? "QUICK, " : ""}` +
    `1 warm-up + ${opts.reps} runs per line; workers ${opts.workers.join(", ")}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  const wasm = new Map();
  for (const g of new Set(chosen.map((m) => m.guest))) wasm.set(g, await buildGuest(g));

  const rows = [];
  let failures = 0;
  for (const workers of opts.workers) {
    for (const guest of wasm.keys()) {
      const rt = await startRuntime(wasm.get(guest), workers);
      try {
        for (const m of chosen.filter((x) => x.guest === guest)) {
          const p = opts.quick ? m.quickParams : m.params;
          process.stdout.write(`${m.name} / workers ${workers} ... `);
          try {
            await m.run(rt, workers, p); // warm-up
            const outs = [];
            for (let r = 0; r < opts.reps; r++) outs.push(await m.run(rt, workers, p));
            const samples = outs.map((o) => o.value);
            const info = {};
            for (const key of Object.keys(outs[0].info ?? {})) info[key] = median(outs.map((o) => o.info[key]));
            rows.push({ name: m.name, structure: m.structure, operation: m.operation, unit: m.unit, workers, median: median(samples), mad: relativeMad(samples), samples, info, params: p });
            console.log(`${median(samples).toPrecision(4)} ${m.unit}  ${JSON.stringify(info)}`);
          } catch (err) {
            failures++;
            console.log("FAILED");
            console.error(`  ${err?.stack ?? err}`);
          }
        }
      } finally {
        await rt.close();
      }
    }
  }

  console.log("");
  const header = ["measurement", "unit", ...opts.workers.map((w) => `${w} w`), ...opts.workers.slice(1).map((w) => `${w} w / ${opts.workers[0]} w`), "max ±MAD"];
  const lines = [...new Set(rows.map((r) => r.name))].map((name) => {
    const own = opts.workers.map((w) => rows.find((r) => r.name === name && r.workers === w));
    const first = own[0];
    return [
      name, first?.unit ?? own.find(Boolean).unit,
      ...own.map((r) => (r ? r.median.toPrecision(4) : "-")),
      ...own.slice(1).map((r) => (r && first ? (r.median / first.median).toFixed(2) : "-")),
      `${(Math.max(...own.filter(Boolean).map((r) => r.mad)) * 100).toFixed(1)}%`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(fmt(l));
  console.log("");
  console.log("Values are the run's time / the operations of all workers (gc-pause: the median pause). A ratio near 1/N on N");
  console.log("workers is perfect scaling; near 1 or above, the structure serialises the workers.");
  for (const r of rows) {
    if (r.info.onWorkers !== undefined && r.info.onWorkers < Math.min(r.workers, r.info.threads)) {
      console.log(`NOTE: ${r.name} / workers ${r.workers}: its spinning threads ended on ${r.info.onWorkers} worker(s), so they did not all contend`);
    }
  }
  console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} (on ${machine.cpus} CPUs; above ~0.5 per CPU the numbers are from a loaded machine)`);

  if (opts.json) {
    const file = path.resolve(opts.json);
    await mkdir(path.dirname(file), { recursive: true });
    const records = rows.map(({ mad, ...r }) => ({ ...r, machine }));
    await writeFile(file, `${JSON.stringify(records, null, 2)}\n`);
    console.log(`wrote ${records.length} records to ${file}`);
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
