// What the page runs: the benchmarks of bench/benchmarks.js that can run in a browser, each vthreads variant on
// every backend (Asyncify and JSPI) and on 1 up to navigator.hardwareConcurrency workers, beside the plain-JS
// baselines.

import { benchmarks, BASELINE_VARIANT } from "../benchmarks.js";

export { BASELINE_VARIANT };

/** The runtime's backends: every vthreads variant runs on each (the JSPI build is <guest>.jspi.wasm). */
export const BACKENDS = ["asyncify", "jspi"];

/**
 * Whether a vthreads row runs on `backend` in this browser: JSPI needs WebAssembly.Suspending (Chromium 137+), and
 * holds at most `jspiStackLimit` threads with a stack at once, so a benchmark that declares more (threadsAtOnce in
 * benchmarks.js) is not run there. `engine`: { jspi: boolean, jspiStackLimit: number }.
 */
export function backendStatus(backend, threads, engine) {
  if (backend !== "jspi") return { status: "run" };
  if (!engine.jspi) {
    return { status: "unavailable", reason: "this browser has no JSPI (WebAssembly.Suspending): Chromium 137 or later has it" };
  }
  if (threads > engine.jspiStackLimit) {
    return {
      status: "unavailable",
      reason: `holds up to ${threads.toLocaleString("en")} threads with a stack at once; ` +
        `the JSPI backend holds at most ${engine.jspiStackLimit.toLocaleString("en")} (jspiStackLimit)`,
    };
  }
  return { status: "run" };
}

/** Baselines that need Node: listed on the page as skipped, with the reason. */
const NODE_ONLY = {
  worker_threads: "needs Node's worker_threads (the Node suite runs it: npm run bench)",
  "parked-bytes/async-await": "needs --expose-gc and process.memoryUsage() (Node only)",
  "go-js-wasm": "runs Go's js/wasm build in a Node child process (the Node suite runs it: npm run bench)",
  // the page loads baselines by URL in a Web Worker, with no bare-specifier resolution for npm's `effect`
  "effect-forEach": "imports the npm package effect, which the page cannot resolve (the Node suite runs it: npm run bench)",
  "effect-fork-join": "imports the npm package effect, which the page cannot resolve (the Node suite runs it: npm run bench)",
};

/** Benchmarks whose vthreads variant only makes sense on the worker counts the registry gives (one worker). */
const FIXED_WORKERS = new Set(["pingpong-depth1", "pingpong-depth20", "pingpong-depth50", "parked-bytes"]);

/**
 * Benchmarks with no browser equivalent: idle CPU time measures the host process; the collector's benchmarks
 * compare against Node-only baselines (V8's full GC through --expose-gc, the foundation's runtime built from git);
 * the I/O ones start a node:http server and give the runtime a hostModule.
 */
const IO_BENCHMARKS = new Set(["io-fanout", "host-call-value", "host-call-promise"]);

export function notInBrowser(name) {
  // parked-limit runs a ladder of Node processes (and crashes them on purpose)
  return name === "idle-cpu" || name === "parked-limit" || name.startsWith("gc-") || IO_BENCHMARKS.has(name);
}

/** The guests (bench/guest/<name>.ts) of the benchmarks the page can run: the dev server builds these. */
export function webGuests() {
  const names = benchmarks.filter((b) => !notInBrowser(b.name)).flatMap((b) => b.variants.filter((v) => v.kind === "vthreads").map((v) => v.guest));
  return [...new Set(names)];
}

/**
 * The plan: one entry per variant, in the order they run. `status` is "run" for the ones that run, otherwise
 * "skipped"/"unavailable" with a reason (shown in the table, not run).
 */
export function plan({ quick = true, only = [], maxWorkers = navigator.hardwareConcurrency || 1, engine } = {}) {
  if (engine === undefined) throw new TypeError("plan: engine ({ jspi, jspiStackLimit }) is required");
  const matches = (name) => only.length === 0 || only.some((p) => name === p || name.startsWith(`${p}-`));
  const out = [];
  for (const b of benchmarks) {
    if (notInBrowser(b.name) || !matches(b.name)) continue;
    const params = quick ? b.quickParams : b.params;
    const common = { benchmark: b.name, unit: b.unit, description: b.description, params, baseline: b.baseline?.variant ?? BASELINE_VARIANT };
    // The Node 25 variants (`node: 25`, the Node suite's JSPI vs Asyncify pairs) are not separate rows here: the page
    // runs every vthreads variant on each of its BACKENDS itself.
    const variants = b.variants.filter((v) => v.node === undefined);
    for (const v of variants.filter((v) => v.kind === "baseline")) {
      const reason = NODE_ONLY[`${b.name}/${v.variant}`] ?? NODE_ONLY[v.variant];
      out.push({ ...common, variant: v.variant, backend: "-", workers: v.workers, kind: "baseline", module: v.module, export: v.export, status: reason ? "skipped" : "run", reason });
    }
    const vthreads = variants.filter((v) => v.kind === "vthreads");
    if (vthreads.length === 0) continue;
    // One row set per vthreads variant (e.g. channel-pingpong's "vthreads" and "vthreads-polling"), each with its
    // own driver function (`export`) and runtime options.
    for (const name of [...new Set(vthreads.map((v) => v.variant))]) {
      const own = vthreads.filter((v) => v.variant === name);
      const counts = FIXED_WORKERS.has(b.name)
        ? [...new Set(own.map((v) => v.workers))]
        : Array.from({ length: Math.max(1, maxWorkers) }, (_, i) => i + 1);
      if (typeof b.threadsAtOnce !== "function") throw new Error(`benchmarks.js: ${b.name} declares no threadsAtOnce`);
      for (const backend of BACKENDS) {
        for (const workers of counts) {
          const threads = b.threadsAtOnce(params, workers);
          out.push({
            ...common, variant: name, backend, workers, threads, kind: "vthreads", module: own[0].module, guest: own[0].guest,
            export: own[0].export, runtime: own[0].runtime, ...backendStatus(backend, threads, engine),
          });
        }
      }
    }
  }
  return out;
}
