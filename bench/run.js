#!/usr/bin/env node
// Benchmark harness: `node bench/run.js [options]` (npm run bench). See bench/README.md.
//
//   --quick            smoke run: smaller n, 2 repetitions, no warm-up
//   --reps R           measured repetitions per variant (default 5, --quick 2)
//   --warmup W         unmeasured warm-up runs per variant (default 1, --quick 0)
//   --only NAME        only benchmark NAME (or NAME-*, e.g. `pingpong`); repeatable or comma-separated
//   --baselines-only   only the plain-JS variants (no vthreads runtime needed)
//   --vthreads-only    only the vthreads variants
//   --json FILE        also write the results as JSON records
//   --timeout SEC      per-variant time limit (default 600, --quick 180)
//   --no-node25        skip the variants that run on Node 25 (`node: 25` in benchmarks.js: the JSPI ones)
//   --scaling          scaling mode: only the benchmarks marked `scaling` in benchmarks.js, their vthreads variants
//                      (Asyncify) at 1, 2, 4 and 8 workers; a table of medians and speed-ups over 1 worker
//   --workers LIST     the worker counts of --scaling (comma-separated, must include 1; implies --scaling)
//   --in-process       run every variant in this process instead of one child process per variant
//                      (debugging; without --expose-gc the parked-bytes baseline is skipped, and WITH it
//                      the vthreads variants fail to start their workers: see bench/README.md)
//
// Exit status: 0 if every selected variant ran and verified its result (skipped ones do not count),
// 1 if any variant failed, 2 for bad options.
import { execFileSync, fork } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { benchmarks, BASELINE_VARIANT } from "./benchmarks.js";
import { median, relativeMad, ratio as ratioOf, round } from "./stats.js";
import { medianInfo } from "./common.js";
import { runVariant, describeError } from "./runner.js";
import { scalingLines } from "./scaling.js";

const runnerPath = fileURLToPath(new URL("./runner.js", import.meta.url));
/** The runtime's jspiStackLimit default in Node (DEFAULT_JSPI_STACK_LIMIT of dist/host/index.js, which --baselines-only need not load). */
const NODE_JSPI_STACK_LIMIT = 25_000;
const node25Script = fileURLToPath(new URL("../scripts/node25.sh", import.meta.url));

function usage(message) {
  if (message) console.error(`run.js: ${message}`);
  console.error(
    "usage: node bench/run.js [--quick] [--reps R] [--warmup W] [--only NAME]... [--baselines-only | --vthreads-only]\n" +
      "                         [--json FILE] [--timeout SEC] [--no-node25] [--in-process] [--scaling [--workers 1,2,4,8]]\n" +
      `benchmarks: ${benchmarks.map((b) => b.name).join(", ")}`,
  );
  process.exit(message ? 2 : 0);
}

function parseArgs(argv) {
  const opts = {
    quick: false,
    reps: undefined,
    warmup: undefined,
    only: [],
    baselinesOnly: false,
    vthreadsOnly: false,
    json: undefined,
    timeout: undefined,
    inProcess: false,
    node25: true,
    scaling: false,
    workers: undefined,
  };
  const value = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) usage(`${name} needs a value`);
    return v;
  };
  const count = (v, name, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`${name} must be an integer >= ${min}`);
    return n;
  };
  // accept --name=value as well as --name value
  argv = argv.flatMap((a) => (a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case "--quick":
        opts.quick = true;
        break;
      case "--reps":
        opts.reps = count(value(i, arg), arg, 1);
        i++;
        break;
      case "--warmup":
        opts.warmup = count(value(i, arg), arg, 0);
        i++;
        break;
      case "--only":
        opts.only.push(...value(i, arg).split(",").map((s) => s.trim()).filter(Boolean));
        i++;
        break;
      case "--baselines-only":
        opts.baselinesOnly = true;
        break;
      case "--vthreads-only":
        opts.vthreadsOnly = true;
        break;
      case "--json":
        opts.json = value(i, arg);
        i++;
        break;
      case "--timeout":
        opts.timeout = count(value(i, arg), arg, 1);
        i++;
        break;
      case "--in-process":
        opts.inProcess = true;
        break;
      case "--no-node25":
        opts.node25 = false;
        break;
      case "--scaling":
        opts.scaling = true;
        break;
      case "--workers":
        opts.workers = parseWorkerList(value(i, arg));
        opts.scaling = true;
        i++;
        break;
      case "--help":
      case "-h":
        usage();
        break;
      default:
        usage(`unknown option ${arg}`);
    }
  }
  if (opts.baselinesOnly && opts.vthreadsOnly) usage("--baselines-only and --vthreads-only exclude each other");
  if (opts.scaling && opts.baselinesOnly) usage("--scaling runs vthreads variants only; it excludes --baselines-only");
  if (opts.scaling) opts.workers ??= DEFAULT_SCALING_WORKERS;
  opts.reps ??= opts.quick ? 2 : 5;
  opts.warmup ??= opts.quick ? 0 : 1;
  opts.timeout ??= opts.quick ? 180 : 600;
  return opts;
}

/** Worker counts of --scaling when --workers is not given. */
const DEFAULT_SCALING_WORKERS = [1, 2, 4, 8];

/** `--workers 1,2,4,8`: distinct integers >= 1, ascending, including 1 (the reference of the speed-ups). */
function parseWorkerList(text) {
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  const counts = items.map(Number);
  const bad = items.filter((s, i) => !Number.isInteger(counts[i]) || counts[i] < 1 || counts[i] > 64);
  if (items.length === 0 || bad.length > 0) usage(`--workers ${text}: expected worker counts from 1 to 64, comma-separated (bad: ${bad.join(", ") || "empty"})`);
  const sorted = [...new Set(counts)].sort((a, b) => a - b);
  if (sorted[0] !== 1) usage(`--workers ${text}: must include 1, the reference of the speed-ups`);
  return sorted;
}

/**
 * --scaling: the benchmarks marked `scaling` (or those of them --only names), each vthreads variant of the node that
 * runs run.js (Asyncify; JSPI stacks cannot move between workers) once per worker count.
 */
function selectScaling(opts) {
  const matches = (name, pattern) => name === pattern || name.startsWith(`${pattern}-`);
  const scaling = benchmarks.filter((b) => b.scaling);
  for (const pattern of opts.only) {
    if (!scaling.some((b) => matches(b.name, pattern))) {
      usage(`--scaling --only ${pattern}: no such scaling benchmark (have ${scaling.map((b) => b.name).join(", ")})`);
    }
  }
  return scaling
    .filter((b) => opts.only.length === 0 || opts.only.some((p) => matches(b.name, p)))
    .map((b) => {
      const own = b.variants.filter((v) => v.kind === "vthreads" && v.node === undefined && v.backend === undefined);
      const names = [...new Set(own.map((v) => v.variant))];
      const variants = names.flatMap((name) => {
        const v = own.find((x) => x.variant === name);
        return opts.workers.map((workers) => ({ ...v, workers }));
      });
      return {
        ...b,
        params: opts.quick ? b.quickParams : b.params,
        reps: Math.min(opts.reps, b.maxReps ?? Infinity),
        warmup: Math.min(opts.warmup, b.maxWarmup ?? Infinity),
        variants,
      };
    });
}

function selectBenchmarks(opts) {
  const matches = (name, pattern) => name === pattern || name.startsWith(`${pattern}-`);
  for (const pattern of opts.only) {
    if (!benchmarks.some((b) => matches(b.name, pattern))) {
      usage(`--only ${pattern}: no such benchmark (have ${benchmarks.map((b) => b.name).join(", ")})`);
    }
  }
  return benchmarks
    .filter((b) => opts.only.length === 0 || opts.only.some((p) => matches(b.name, p)))
    .map((b) => ({
      ...b,
      params: opts.quick ? b.quickParams : b.params,
      // a benchmark may cap its repetitions (parked-limit: one ladder of processes is the measurement)
      reps: Math.min(opts.reps, b.maxReps ?? Infinity),
      warmup: Math.min(opts.warmup, b.maxWarmup ?? Infinity),
      variants: b.variants.filter((v) => (opts.baselinesOnly ? v.kind === "baseline" : opts.vthreadsOnly ? v.kind === "vthreads" : true)),
    }))
    .filter((b) => b.variants.length > 0);
}

/** Fraction of all CPUs busy (with anything) during `ms`, from os.cpus() times. */
async function cpuBusy(ms) {
  const total = () =>
    os.cpus().reduce(
      (acc, c) => {
        const t = c.times;
        acc.busy += t.user + t.nice + t.sys + t.irq;
        acc.all += t.user + t.nice + t.sys + t.irq + t.idle;
        return acc;
      },
      { busy: 0, all: 0 },
    );
  const a = total();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = total();
  return b.all > a.all ? (b.busy - a.busy) / (b.all - a.all) : 0;
}

/**
 * Other processes on the machine skew every number (a 2-vCPU machine has no spare core). Sample the CPUs for a
 * second while this harness is idle, before and after the variants, and say so when something else was running.
 */
async function reportBusy(when) {
  const busy = await cpuBusy(1000);
  const msg = `CPU busy ${when}: ${(busy * 100).toFixed(0)}% of ${os.cpus().length} CPUs (measured over 1 s with the harness idle)`;
  console.log(busy > 0.1 ? `WARNING: ${msg}: other processes compete for the CPUs; the numbers are not comparable` : msg);
}

function machineInfo() {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model?.trim() ?? "unknown", node: process.version };
}

/**
 * Runs one job in a child process (fresh heap), with a time limit. Baseline children get --expose-gc (global.gc
 * before every run, and the parked-bytes baseline needs it). vthreads children get no node flags at all: the
 * Runtime passes the process's flags on to its worker threads, and Node refuses to start a worker with V8 flags
 * such as --expose-gc (ERR_WORKER_INVALID_EXEC_ARGV). A vthreads run allocates almost nothing on the main thread's
 * V8 heap, so it loses nothing without global.gc.
 */
function runInChild(job, timeoutSec, execPath = process.execPath) {
  return new Promise((resolve) => {
    const child = fork(runnerPath, ["--vthreads-bench-child"], {
      execPath,
      // a baseline may need more node flags (`nodeFlags` in benchmarks.js: Effect's fibers need a larger heap)
      execArgv: job.kind === "baseline" ? ["--expose-gc", ...(job.nodeFlags ?? [])] : [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let reply = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSec * 1000);
    child.on("message", (msg) => (reply = msg));
    child.on("error", (err) => {
      if (reply === null) reply = { ok: false, error: describeError(err) };
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ ok: false, error: `timed out after ${timeoutSec} s (child killed)` });
      else if (reply !== null) resolve(reply);
      else resolve({ ok: false, error: `child process died without a result (exit code ${code}, signal ${signal})` });
    });
    child.send(job);
  });
}

/**
 * The Node 25 binary for the variants with `node: 25` (JSPI needs it: Node 20 has no WebAssembly.Suspending):
 * scripts/node25.sh prints its path, installing the npm package `node` into tools/node25 the first time. Found once
 * per run; { path, version } or { error } (those variants are then SKIPPED with the reason).
 */
let node25 = null;
function findNode25() {
  if (node25 !== null) return node25;
  const firstLine = (e) => String(e?.stderr || e?.message || e).trim().split("\n").filter(Boolean).pop() ?? String(e);
  try {
    const bin = execFileSync("bash", [node25Script], { encoding: "utf8", timeout: 600_000, stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n").pop();
    const probe = "process.stdout.write(process.version + ' ' + typeof WebAssembly.Suspending)";
    const [version, suspending] = execFileSync(bin, ["-e", probe], { encoding: "utf8", timeout: 60_000 }).trim().split(" ");
    node25 = suspending === "function" ? { path: bin, version } : { error: `${bin} (${version}) has no JSPI (WebAssembly.Suspending)` };
  } catch (e) {
    node25 = { error: `no Node 25: scripts/node25.sh failed (${firstLine(e)})` };
  }
  return node25;
}

async function runInProcess(job, timeoutSec) {
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `timed out after ${timeoutSec} s` }), timeoutSec * 1000);
    timer.unref();
  });
  const run = runVariant(job).then(
    (out) => ({ ok: true, ...out }),
    (err) => ({ ok: false, error: describeError(err), skipped: err?.name === "SkipError" }),
  );
  const result = await Promise.race([run, limit]);
  clearTimeout(timer);
  return result;
}

function formatValue(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return "-";
  const r = round(x, 4);
  return Math.abs(r) >= 1000 ? String(Math.round(r)) : String(r);
}

/** Per-variant extra numbers (median over the measured runs), and derived comparisons such as speed-ups. */
function printNotes(rows, selected = [], { speedups = true } = {}) {
  const lines = [];
  const fmt = (v) => (Array.isArray(v) ? `[${v.map((x) => formatValue(x)).join(", ")}]` : typeof v === "string" ? v : formatValue(v));
  for (const r of rows) {
    if (r.status !== "ok" || !r.info || Object.keys(r.info).length === 0) continue;
    const parts = Object.entries(r.info).map(([k, v]) => `${k} ${fmt(v)}`);
    lines.push(`  ${r.benchmark} / ${r.variant} / workers ${r.workers}: ${parts.join("; ")}`);
  }
  // speed-up of every multi-worker vthreads variant over the 1-worker one of the same benchmark
  for (const r of speedups ? rows : []) {
    if (r.status !== "ok" || r.variant !== "vthreads" || r.workers === 1) continue;
    const one = rows.find((x) => x.benchmark === r.benchmark && x.variant === "vthreads" && x.workers === 1 && x.status === "ok");
    if (one && r.unit === "ms") lines.push(`  ${r.benchmark}: vthreads ${r.workers} workers vs 1 worker: ${(one.median / r.median).toFixed(2)}x faster (median / median)`);
  }
  // a benchmark that names another one to compare with (`compareWith` in benchmarks.js), e.g. channel vs yield ping-pong
  for (const b of selected) {
    const c = b.compareWith;
    if (!c) continue;
    const ref = rows.find((x) => x.benchmark === c.benchmark && x.variant === c.variant && x.workers === c.workers && x.status === "ok");
    const label = `${c.benchmark} / ${c.variant} / workers ${c.workers} (${c.what})`;
    if (!ref) {
      lines.push(`  ${b.name} vs ${label}: not in this run (add it: --only ${b.name},${c.benchmark})`);
      continue;
    }
    for (const r of rows) {
      if (r.benchmark !== b.name || r.status !== "ok" || !r.variant.startsWith(c.variant)) continue;
      const x = r.median / ref.median;
      const judged = c.target !== undefined && r.variant === c.variant && r.workers === c.workers; // the target's case
      const noisy = r.mad > 0.1 || ref.mad > 0.1; // a verdict from a noisy median would be a coin toss
      const verdict = !judged
        ? ""
        : `; target <= ${c.target}x: ${noisy ? "no verdict (±MAD above 10 %: noisy run)" : x <= c.target ? "met" : "NOT met"}`;
      lines.push(`  ${b.name} / ${r.variant} / workers ${r.workers} vs ${label}: ${x.toFixed(2)}x (median / median)${verdict}`);
    }
  }
  if (lines.length === 0) return;
  console.log("");
  console.log("notes (per run, median over the measured runs; arrays are per worker):");
  for (const l of lines) console.log(l);
}

function printTable(rows, selected = []) {
  const header = ["benchmark", "variant", "workers", "median", "unit", "ratio", "±MAD", "samples"];
  const lines = rows.map((r) => [
    r.benchmark,
    r.variant,
    String(r.workers),
    r.status === "ok" ? formatValue(r.median) : r.status.toUpperCase(),
    r.unit,
    r.ratio === undefined ? "-" : r.ratio < 0.095 ? r.ratio.toPrecision(2) : r.ratio.toFixed(2), // 0.0017, not 0.00
    r.status === "ok" ? `${(r.mad * 100).toFixed(1)}%` : "-",
    r.status === "ok" ? String(r.samples.length) : "-",
  ]);
  const numeric = new Set([2, 3, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  console.log("");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(fmt(l));
  console.log("");
  console.log(`ratio = median / median of the ${BASELINE_VARIANT} variant of the same benchmark (all units: lower is better,`);
  console.log("so ratio < 1 means better than async-await). ±MAD = median absolute deviation / median.");
  if (rows.some((r) => r.node25 && r.status === "ok")) console.log("Variants *-n25 ran on Node 25 (a separate child process); their ratio is against async-await-n25 where the benchmark has it.");
  for (const b of selected) {
    if (b.baseline) console.log(`${b.name}: ratio against ${b.baseline.variant}${b.baseline.workers ? ` / workers ${b.baseline.workers}` : ""} (no async-await variant).`);
  }
}

/** JSON records of the rows that produced a number (the format bench/README.md describes; `speedup` in --scaling). */
async function writeJson(jsonPath, rows, machine) {
  const records = rows
    .filter((r) => r.status === "ok")
    .map((r) => {
      const rec = {
        benchmark: r.benchmark,
        variant: r.variant,
        workers: r.workers,
        median: round(r.median, 6),
        unit: r.unit,
        samples: r.samples.map((s) => round(s, 6)),
      };
      if (r.ratio !== undefined) rec.ratio = round(r.ratio, 4);
      if (r.speedup !== undefined) rec.speedup = round(r.speedup, 4);
      if (r.info) rec.info = r.info;
      if (r.backend) rec.backend = r.backend;
      rec.node = r.node;
      rec.machine = machine;
      rec.params = r.params;
      return rec;
    });
  const file = path.resolve(jsonPath);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(records, null, 2)}\n`);
  console.log(`wrote ${records.length} records to ${file}`);
}

async function finishScaling(rows, failures, opts, machine) {
  const lines = scalingLines(rows, opts.workers, machine.cpus);
  console.log("");
  for (const l of lines) console.log(l);
  printNotes(rows, [], { speedups: false });
  return finishRun(rows, failures, opts, machine);
}

/** The end of every run: what did not run and why, the JSON file, a busy machine warning; the exit code. */
async function finishRun(rows, failures, opts, machine) {
  const notOk = rows.filter((r) => r.status !== "ok");
  if (notOk.length > 0) {
    console.log("");
    for (const r of notOk) console.log(`${r.status.toUpperCase()}: ${r.benchmark} / ${r.variant} / workers ${r.workers}: ${String(r.error).split("\n")[0]}`);
  }
  if (opts.json) await writeJson(opts.json, rows, machine);
  await reportBusy("after the run");
  if (failures > 0) console.log(`${failures} variant(s) failed`);
  return failures > 0 ? 1 : 0;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const selected = opts.scaling ? selectScaling(opts) : selectBenchmarks(opts);
  const machine = machineInfo();
  console.log(
    `vthreads bench: node ${machine.node}, ${machine.cpus} x ${machine.model}; ` +
      `${opts.scaling ? `SCALING at ${opts.workers.join(", ")} workers, ` : ""}` +
      `${opts.quick ? "QUICK, " : ""}reps ${opts.reps}, warm-up ${opts.warmup}, ` +
      `${opts.inProcess ? "in-process" : "one child process per variant"}`,
  );
  await reportBusy("before the run");
  if (selected.length === 0) {
    console.log("nothing selected");
    return 0;
  }

  // Build every guest program needed, once.
  const builds = new Map(); // guest -> { wasmPath } | { error }
  const guests = [...new Set(selected.flatMap((b) => b.variants.filter((v) => v.kind === "vthreads").map((v) => v.guest)))];
  if (guests.length > 0) {
    const { buildGuest } = await import("./vthreads/host.js");
    for (const guest of guests) {
      const t0 = performance.now();
      process.stdout.write(`build bench/guest/${guest}.ts ... `);
      try {
        const wasmPath = await buildGuest(guest);
        builds.set(guest, { wasmPath });
        console.log(`ok (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        builds.set(guest, { error: `build of bench/guest/${guest}.ts failed: ${describeError(err)}` });
        console.log("FAILED");
      }
    }
  }

  const rows = [];
  let failures = 0;
  for (const bench of selected) {
    for (const v of bench.variants) {
      const label = `${bench.name} / ${v.variant} / workers ${v.workers}`;
      process.stdout.write(`${label} ... `);
      // `node: 25`: run in a Node 25 child process (JSPI needs it; the Asyncify twin runs there too, for a fair pair)
      let execPath = process.execPath;
      let skip = null;
      if (v.node === 25) {
        if (!opts.node25) skip = "--no-node25";
        else if (opts.inProcess) skip = "needs Node 25 in a child process (not with --in-process)";
        else if (findNode25().error) skip = findNode25().error;
        else execPath = findNode25().path;
      }
      if (skip === null && v.backend === "jspi" && typeof bench.threadsAtOnce === "function") {
        const threads = bench.threadsAtOnce(bench.params, v.workers);
        if (threads > NODE_JSPI_STACK_LIMIT) {
          skip = `holds up to ${threads.toLocaleString("en")} threads with a stack at once; the JSPI backend holds at most ` +
            `${NODE_JSPI_STACK_LIMIT.toLocaleString("en")} (jspiStackLimit)`;
        }
      }
      const job = {
        benchmark: bench.name,
        variant: v.variant,
        kind: v.kind,
        module: v.module,
        export: v.export,
        workers: v.workers,
        runtime: v.runtime,
        hostModule: v.hostModule,
        backend: v.backend,
        params: bench.params,
        // a variant may cap its runs further (`maxReps`/`maxWarmup`: the Effect peers take minutes per run at full size)
        reps: Math.min(bench.reps, v.maxReps ?? Infinity),
        warmup: Math.min(bench.warmup, v.maxWarmup ?? Infinity),
        nodeFlags: v.nodeFlags,
      };
      let result;
      const built = v.kind === "vthreads" ? builds.get(v.guest) : undefined;
      if (skip !== null) {
        result = { ok: false, skipped: true, error: skip };
      } else if (built?.error) {
        result = { ok: false, error: built.error };
      } else {
        if (built) job.wasmPath = built.wasmPath;
        result = opts.inProcess ? await runInProcess(job, opts.timeout) : await runInChild(job, opts.timeout, execPath);
      }
      const row = { benchmark: bench.name, variant: v.variant, workers: v.workers, unit: bench.unit, params: bench.params };
      row.node = v.node !== 25 ? process.version : skip === null ? findNode25().version : undefined;
      if (v.node === 25) row.node25 = true;
      if (v.kind === "vthreads") row.backend = v.backend ?? "asyncify";
      if (result.ok) {
        Object.assign(row, { status: "ok", samples: result.samples, median: median(result.samples), mad: relativeMad(result.samples) });
        if (result.infos?.length > 0) row.info = medianInfo(result.infos);
        console.log(`${formatValue(row.median)} ${bench.unit}  [${result.samples.map(formatValue).join(", ")}]`);
      } else if (result.skipped) {
        Object.assign(row, { status: "skipped", error: result.error });
        console.log(`SKIPPED: ${String(result.error).split("\n")[0]}`);
      } else {
        Object.assign(row, { status: "failed", error: result.error });
        failures++;
        console.log("FAILED");
        console.error(`  ${label}: ${String(result.error).replace(/\n/g, "\n  ")}`);
      }
      rows.push(row);
    }
  }

  if (opts.scaling) return finishScaling(rows, failures, opts, machine);

  // Ratios against the baseline of the same benchmark (async-await unless the benchmark names another one).
  const baselineOf = (name) => selected.find((b) => b.name === name)?.baseline ?? { variant: BASELINE_VARIANT };
  for (const row of rows) {
    if (row.status !== "ok") continue;
    const bl = baselineOf(row.benchmark);
    const find = (variant) =>
      rows.find((r) => r.benchmark === row.benchmark && r.variant === variant && (bl.workers === undefined || r.workers === bl.workers) && r.status === "ok");
    // a Node 25 variant against the baseline's Node 25 twin (async-await-n25) when the benchmark has one
    const base = (row.node25 ? find(`${bl.variant}-n25`) : undefined) ?? find(bl.variant);
    row.ratio = base ? ratioOf(row.median, base.median) : undefined;
  }

  printTable(rows, selected);
  printNotes(rows, selected);
  return finishRun(rows, failures, opts, machine);
}

main().then(
  (code) => {
    process.exitCode = code;
    // In-process runs may leave a runtime's workers behind after a failure: do not hang on them.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (err) => {
    console.error(describeError(err));
    process.exit(1);
  },
);
