// The benchmark page: runs the plan from suite.js, vthreads variants on this page's main thread (the Runtime only
// posts messages; its workers are Web Workers), baselines in a Web Worker of their own. Shows a progress bar, a
// table of medians and ratios, one chart per benchmark, a live view of the running runtime, and exports JSON.
//
// The results are also on `window.vthreadsBench` (the browser tests read them there).

import { Runtime, CrossOriginIsolationError, renderDump, engineHasJspi, DEFAULT_JSPI_STACK_LIMIT } from "../../dist/host/browser.js";
import { median, relativeMad, ratio as ratioOf } from "../stats.js";
import { medianInfo } from "../common.js";
import { plan, BACKENDS } from "./suite.js";
import { barChart, formatNumber } from "./chart.js";

const BENCH_DIR = new URL("../", import.meta.url);
/** The guest's build for a backend: `vthreads build` writes <guest>.wasm (Asyncify) and <guest>.jspi.wasm (JSPI). */
const guestUrl = (guest, backend = "asyncify") => new URL(`../build/bench/${guest}/${guest}${backend === "jspi" ? ".jspi" : ""}.wasm`, BENCH_DIR);
const $ = (id) => document.getElementById(id);

const query = new URLSearchParams(location.search);
const options = {
  quick: query.get("suite") !== "full",
  only: (query.get("only") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  maxWorkers: Number(query.get("workers")) || navigator.hardwareConcurrency || 1,
  reps: Number(query.get("reps")) || (query.get("suite") === "full" ? 5 : 3),
  warmup: query.has("warmup") ? Number(query.get("warmup")) : 1,
  timeoutSec: Number(query.get("timeout")) || (query.get("suite") === "full" ? 600 : 120),
};

const machine = {
  userAgent: navigator.userAgent,
  hardwareConcurrency: navigator.hardwareConcurrency,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  jspiInBrowser: engineHasJspi(),
  /** The most threads with a stack a JSPI runtime holds here (the runtime's default, which the page keeps). */
  jspiStackLimit: DEFAULT_JSPI_STACK_LIMIT,
};
const engine = { jspi: machine.jspiInBrowser, jspiStackLimit: machine.jspiStackLimit };

const state = (window.vthreadsBench = {
  state: "idle",
  suite: options.quick ? "quick" : "full",
  options,
  machine,
  backends: BACKENDS,
  /** The backends that produced at least one result (after a run). */
  backendsRun: [],
  firstResultMs: null,
  totalMs: null,
  error: null,
  results: [],
});

// ---------------------------------------------------------------------------------------------------------------
// Running one variant

/** Compiled guest modules, shared by every variant of one guest and backend (each Runtime.start gets the Module). */
const compiled = new Map();
function compileGuest(guest, backend = "asyncify") {
  const key = `${guest}/${backend}`;
  if (!compiled.has(key)) compiled.set(key, WebAssembly.compileStreaming(fetch(guestUrl(guest, backend))));
  return compiled.get(key);
}

/** Starts a runtime for a vthreads row, on the row's backend (a module built for the other one is refused). */
async function startFor(entry, module) {
  const rt = await Runtime.start(module, { ...entry.runtime, workers: entry.workers, backend: entry.backend });
  if (rt.backend !== entry.backend) {
    await rt.close();
    throw new Error(`asked for the ${entry.backend} backend, the runtime runs ${rt.backend} (${rt.backendReason})`);
  }
  return rt;
}

/** Stops a runtime even when a call hangs (close() waits for calls in flight): terminate its workers. */
async function forceClose(rt) {
  const workers = rt?.workers ?? []; // the Runtime's private list; only after a time-out
  await Promise.all(workers.map((w) => w.terminate()));
}

function withTimeout(promise, seconds, what, onTimeout) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what}: timed out after ${seconds} s`));
    }, seconds * 1000);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

let liveRuntime = null;

async function runVthreads(entry, count, onSample) {
  const variantModule = await import(new URL(entry.module, BENCH_DIR).href);
  const module = await compileGuest(entry.guest, entry.backend);
  let rt = await startFor(entry, module);
  liveRuntime = rt;
  // No collector for guest objects yet: restart before a run that might not fit (as bench/runner.js does).
  let growth = 0;
  const runOnce = async () => {
    const start = rt.memoryStats().heapReserved;
    const out = await variantModule[entry.export ?? "run"](rt, entry.params);
    growth = Math.max(growth, rt.memoryStats().heapReserved - start);
    return out;
  };
  try {
    for (let i = 0; i < count; i++) {
      if (growth > 0 && rt.memoryStats().heapReserved + 2 * growth > rt.manifest.memory.maximum * 65536) {
        await rt.close();
        rt = liveRuntime = await startFor(entry, module);
        await runOnce();
      }
      const out = await withTimeout(runOnce(), options.timeoutSec, `${entry.benchmark} vthreads`, () => forceClose(rt));
      onSample(i, out);
    }
  } finally {
    liveRuntime = null;
    await withTimeout(rt.close(), 10, "closing the runtime", () => forceClose(rt)).catch(() => {});
  }
}

async function runBaseline(entry, count, onSample) {
  const worker = new Worker(new URL("./baseline-worker.js", import.meta.url), { type: "module", name: "baseline" });
  const module = new URL(entry.module, BENCH_DIR).href;
  let nextId = 0;
  const ask = () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      worker.onmessage = ({ data }) => (data.id !== id ? undefined : data.ok ? resolve(data) : reject(new Error(data.error)));
      worker.onerror = (e) => reject(new Error(e.message || `the baseline worker could not load ${module}`));
      worker.postMessage({ id, module, exportName: entry.export, params: { ...entry.params, workers: entry.workers } });
    });
  try {
    for (let i = 0; i < count; i++) {
      onSample(i, await withTimeout(ask(), options.timeoutSec, `${entry.benchmark} ${entry.variant}`));
    }
  } finally {
    worker.terminate();
  }
}

async function runEntry(entry, onProgress) {
  const samples = [];
  const infos = [];
  const count = options.warmup + options.reps;
  const onSample = (i, out) => {
    const { value, info } = out !== null && typeof out === "object" ? out : { value: out, info: undefined };
    if (i < options.warmup) return onProgress(i + 1, count);
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`measured value is not a finite number: ${String(value)}`);
    samples.push(value);
    if (info !== undefined) infos.push(info);
    onProgress(i + 1, count);
  };
  await (entry.kind === "vthreads" ? runVthreads(entry, count, onSample) : runBaseline(entry, count, onSample));
  return { samples, median: median(samples), mad: relativeMad(samples), info: infos.length ? medianInfo(infos) : undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// Results: ratios, table, charts

function result(entry, fields) {
  const { module: _m, export: _e, ...rest } = entry;
  return { ...rest, ...fields };
}

/** Ratio to the benchmark's baseline, and the speed-up of a multi-worker vthreads run over its 1-worker run. */
function derive(results) {
  for (const r of results) {
    if (r.status !== "ok") continue;
    const base = results.find((b) => b.benchmark === r.benchmark && b.variant === r.baseline && b.status === "ok");
    r.ratio = base ? ratioOf(r.median, base.median) : undefined;
    if (r.kind === "vthreads" && r.workers > 1 && r.unit === "ms") {
      const one = results.find((o) => o.benchmark === r.benchmark && o.kind === "vthreads" && o.backend === r.backend && o.workers === 1 && o.status === "ok");
      r.speedup = one ? one.median / r.median : undefined;
    }
  }
}

function render() {
  derive(state.results);
  const body = $("results-body");
  body.replaceChildren(
    ...state.results.map((r) => {
      const tr = document.createElement("tr");
      tr.className = `status-${r.status}`;
      const cells = [
        r.benchmark, r.variant, r.backend, String(r.workers),
        r.status === "ok" ? formatNumber(r.median) : r.status === "running" ? "…" : "-",
        r.unit,
        r.status === "ok" ? `${(r.mad * 100).toFixed(1)} %` : "",
        r.ratio !== undefined ? formatNumber(r.ratio) : "",
        r.speedup !== undefined ? `${formatNumber(r.speedup)}x` : "",
        r.status === "ok" ? "ok" : `${r.status}${r.reason || r.error ? `: ${r.reason ?? r.error.split("\n")[0]}` : ""}`,
      ];
      for (const c of cells) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    }),
  );
  const charts = $("charts");
  const byBenchmark = new Map();
  for (const r of state.results.filter((r) => r.status === "ok")) {
    if (!byBenchmark.has(r.benchmark)) byBenchmark.set(r.benchmark, []);
    byBenchmark.get(r.benchmark).push(r);
  }
  charts.replaceChildren(
    ...[...byBenchmark].map(([name, rs]) => {
      const bars = rs.map((r) => ({
        label: r.kind === "vthreads" ? `${r.variant} ${r.backend}, ${r.workers} worker${r.workers > 1 ? "s" : ""}` : r.variant,
        value: r.median,
        baseline: r.variant === r.baseline,
      }));
      const figure = document.createElement("figure");
      figure.append(barChart(name, rs[0].unit, bars));
      return figure;
    }),
  );
}

function exportJson() {
  const blob = new Blob([JSON.stringify(snapshot(), null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `vthreads-browser-bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The results as plain JSON (what the download holds). */
function snapshot() {
  return JSON.parse(JSON.stringify(state, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
window.vthreadsBenchJson = snapshot;

// ---------------------------------------------------------------------------------------------------------------
// Live view of the running runtime: its thread dump as a tree when the runtime has dump() (issue 4), otherwise
// the scheduler counters it already has.

function tree(value, label) {
  if (value === null || typeof value !== "object") {
    const div = document.createElement("div");
    div.textContent = `${label}: ${String(value)}`;
    return div;
  }
  const details = document.createElement("details");
  details.open = true;
  const summary = document.createElement("summary");
  summary.textContent = label;
  details.append(summary, ...Object.entries(value).map(([k, v]) => tree(v, k)));
  return details;
}

/** What the demo did, for the page's tests: the most live threads the live view showed, and how it ended. */
const demoState = (window.demoState = { peakLiveThreads: 0, outcome: null });

/** Above this many live threads the live view shows only the counters (a dump of 100,000 threads is megabytes). */
const DUMP_LIMIT = 500;
let liveBusy = false;

/** The live view: the running runtime's counters, and its thread dump as a tree while it is small enough. */
async function updateLive() {
  const live = $("live");
  const rt = liveRuntime;
  if (!rt) return live.replaceChildren(document.createTextNode("no runtime running"));
  if (liveBusy) return; // the previous dump is still on its way
  liveBusy = true;
  try {
    const s = rt.schedulerStats();
    const m = rt.memoryStats();
    demoState.peakLiveThreads = Math.max(demoState.peakLiveThreads, s.liveThreads);
    const counters = tree({ workers: rt.workerCount, liveThreads: s.liveThreads, runnable: s.runnable, sleeping: s.sleeping, spawned: s.spawned, switches: s.switches, steals: s.steals, heapMB: +(m.heapBytes / 2 ** 20).toFixed(1) }, "runtime");
    const dumpView = document.createElement("pre");
    dumpView.className = "dump";
    if (s.liveThreads > DUMP_LIMIT) {
      dumpView.textContent = `thread dump: shown below ${DUMP_LIMIT} live threads (now ${s.liveThreads})`;
    } else {
      // A dump of a runtime that closes meanwhile fails (RuntimeClosedError); the timeout is a second guard, so that
      // the live view can never stay busy for good.
      dumpView.textContent = `thread dump:\n${renderDump(await withTimeout(rt.dump(), 5, "the thread dump"))}`;
    }
    if (liveRuntime === rt) live.replaceChildren(counters, dumpView);
  } catch (e) {
    live.textContent = `live view unavailable: ${e.message}`;
  } finally {
    liveBusy = false;
  }
}

// ---------------------------------------------------------------------------------------------------------------

function showError(message) {
  state.error = message;
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
}

async function runAll() {
  $("run").disabled = $("demo").disabled = true;
  state.state = "running";
  state.error = null;
  $("error").hidden = true;
  const entries = plan({ ...options, engine });
  state.results = entries.map((e) => result(e, { status: e.status === "run" ? "pending" : e.status }));
  render();
  const t0 = performance.now();
  const toRun = entries.filter((e) => e.status === "run");
  const progress = $("progress");
  progress.max = toRun.length;
  progress.value = 0;
  const liveTimer = setInterval(updateLive, 250);
  try {
    // Fail at once, with the runtime's own message, when this page cannot share memory (no COOP/COEP).
    try {
      const probe = await Runtime.start(guestUrl(toRun.find((e) => e.kind === "vthreads")?.guest ?? "skynet"), { workers: 1 });
      await probe.close();
    } catch (e) {
      throw e instanceof CrossOriginIsolationError ? e : new Error(`the runtime does not start: ${e.message}`);
    }
    let done = 0;
    for (const entry of toRun) {
      const index = entries.indexOf(entry);
      state.results[index] = result(entry, { status: "running" });
      $("status").textContent = `running ${entry.benchmark} / ${entry.variant}${entry.kind === "vthreads" ? ` / ${entry.backend} / ${entry.workers} worker(s)` : ""}`;
      render();
      try {
        const out = await runEntry(entry, (i, n) => ($("status").textContent = `running ${entry.benchmark} / ${entry.variant}${entry.kind === "vthreads" ? ` / ${entry.backend} / ${entry.workers} worker(s)` : ""}: run ${i}/${n}`));
        state.results[index] = result(entry, { status: "ok", ...out });
        state.firstResultMs ??= performance.now(); // since navigation start (performance.timeOrigin)
      } catch (e) {
        state.results[index] = result(entry, { status: "failed", error: e instanceof Error ? e.message : String(e) });
      }
      progress.value = ++done;
      render();
    }
    state.state = "done";
    $("status").textContent = `done: ${toRun.length} variants in ${((performance.now() - t0) / 1000).toFixed(1)} s` + (state.firstResultMs ? `; first result ${Math.round(state.firstResultMs)} ms after the page opened` : "");
  } catch (e) {
    state.state = "error";
    showError(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    $("status").textContent = "stopped";
    state.results = state.results.map((r) => (r.status === "pending" ? { ...r, status: "not run" } : r));
    render();
  } finally {
    state.totalMs = performance.now() - t0;
    state.backendsRun = BACKENDS.filter((b) => state.results.some((r) => r.backend === b && r.status === "ok"));
    describeEnvironment();
    clearInterval(liveTimer);
    updateLive();
    $("run").disabled = $("demo").disabled = false;
  }
}

function describeEnvironment() {
  $("env").textContent =
    `${navigator.hardwareConcurrency} hardware threads; crossOriginIsolated: ${machine.crossOriginIsolated}; ` +
    `JSPI in this browser: ${machine.jspiInBrowser ? `yes (at most ${machine.jspiStackLimit.toLocaleString("en")} threads with a stack per runtime)` : "no"}; ` +
    `backends: ${state.backendsRun.length ? `${state.backendsRun.join(" and ")} ran` : `${machine.jspiInBrowser ? BACKENDS.join(" and ") : "asyncify only (no JSPI)"}, not run yet`}; ` +
    `suite: ${state.suite}, ${options.warmup} warm-up + ${options.reps} measured runs per variant`;
}

/**
 * A demo to watch in the live view: 100,000 threads parked on one future for three seconds (the parked-bytes guest),
 * then released. The suite's runtimes show up there too while they run.
 */
async function demo() {
  $("run").disabled = $("demo").disabled = true;
  let rt = null;
  const timer = setInterval(updateLive, 100);
  try {
    // Asyncify: 100,000 parked threads are beyond what a JSPI runtime holds.
    rt = liveRuntime = await Runtime.start(await compileGuest("parked-bytes", "asyncify"), { workers: navigator.hardwareConcurrency || 1 });
    $("status").textContent = "demo: parking 100,000 threads on one future for 3 s";
    demoState.peakLiveThreads = 0;
    demoState.outcome = null;
    let failed = null;
    const parked = rt.call("parkAll", 100_000);
    parked.catch((e) => (failed = e)); // a failed parkAll must end the demo, not leave the poll below spinning
    for (const t0 = performance.now(); Number(await rt.call("parkedCount")) < 100_000; ) {
      if (failed) throw failed;
      if (performance.now() - t0 > 60_000) throw new Error("fewer than 100,000 threads parked after 60 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 3000));
    await rt.call("release");
    demoState.outcome = `released; the waiters got ${await parked}`;
    $("status").textContent = `demo: ${demoState.outcome}`;
  } catch (e) {
    demoState.outcome = `failed: ${e.name}: ${e.message}`;
    showError(`demo ${demoState.outcome}`);
  } finally {
    clearInterval(timer);
    liveRuntime = null;
    await rt?.close();
    updateLive();
    $("run").disabled = $("demo").disabled = false;
  }
}

$("run").addEventListener("click", () => runAll());
$("demo").addEventListener("click", () => demo());
$("export").addEventListener("click", exportJson);
describeEnvironment();
if (query.get("autorun") !== "0") runAll();
