#!/usr/bin/env node
// Micro-driver for profiling one guest export on ONE worker, without the worker thread: it runs the worker's own
// code (WorkerCore from dist/host/workers/core.js, an internal module: this driver may need updating when it
// changes) on the main thread, so `node --cpu-prof` attributes time to the Wasm functions by name, and it times
// every `__vt_run(sliceMs)` call of the worker loop. Not part of `run.js`; see bench/README.md, "Profiling".
//
//   node bench/micro/slice-driver.js [--guest G] [--export E] [--reps R] [--slice MS] [--per UNITS] [--runtime]
//                                    [--no-build] -- ARGS...
//   node bench/micro/slice-driver.js --per 2000000 -- 1000000 1                     # ping-pong depth 1, ns/switch
//   node bench/micro/slice-driver.js --guest skynet --per 1111111 -- 0 1000000 10   # skynet, ns/thread
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/micro/slice-driver.js --per 2000000 -- 1000000 1
//   node bench/micro/cpuprofile-top.js /tmp/prof/*.cpuprofile                      # self time per function
//
// G defaults to pingpong (bench/guest/G.ts, built into build/bench/G/ unless --no-build), E to G in camelCase.
// Per run: wall time of the call (call message in, result message out), time inside __vt_run and the number of
// slices, the rest ("outside": setImmediate between slices, dispatch, result), the process's user/system CPU time
// and minor page faults, and per-unit costs when --per UNITS is given (2n switches for ping-pong, 1,111,111 threads
// for skynet). --runtime then times the same call through Runtime.start(..., { workers: 1 }), as run.js does.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot, buildGuest, loadHost } from "../vthreads/host.js";

function parse(argv) {
  const o = { guest: "pingpong", export: undefined, reps: 5, slice: 5, runtime: false, per: undefined, args: [], noBuild: false };
  const dd = argv.indexOf("--");
  const rest = dd >= 0 ? argv.slice(dd + 1) : [];
  const own = dd >= 0 ? argv.slice(0, dd) : argv;
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a === "--guest") o.guest = own[++i];
    else if (a === "--export") o.export = own[++i];
    else if (a === "--reps") o.reps = Number(own[++i]);
    else if (a === "--slice") o.slice = Number(own[++i]);
    else if (a === "--per") o.per = Number(own[++i]);
    else if (a === "--runtime") o.runtime = true;
    else if (a === "--no-build") o.noBuild = true;
    else throw new Error(`unknown option ${a}`);
  }
  o.export ??= o.guest.replace(/-(\w)/g, (_, c) => c.toUpperCase());
  o.args = rest.map((s) => (/^-?\d+$/.test(s) ? Number(s) : s));
  return o;
}

/** CPU time (user, system) and minor page faults of the whole process since `ru0`. */
function usage(ru0) {
  const ru = process.resourceUsage();
  return (
    `cpu user ${((ru.userCPUTime - ru0.userCPUTime) / 1000).toFixed(1)} ms, sys ${((ru.systemCPUTime - ru0.systemCPUTime) / 1000).toFixed(1)} ms, ` +
    `minor faults ${ru.minorPageFault - ru0.minorPageFault}`
  );
}

const dist = (p) => import(pathToFileURL(path.join(repoRoot, "dist", "host", p)).href);

async function main() {
  const o = parse(process.argv.slice(2));
  await loadHost();
  const wasmPath = o.noBuild ? path.join(repoRoot, "build", "bench", o.guest, `${o.guest}.wasm`) : await buildGuest(o.guest);
  const { WorkerCore } = await dist("workers/core.js");
  const { readManifest } = await dist("abi/manifest.js");
  const module = await WebAssembly.compile(await readFile(wasmPath));
  const manifest = readManifest(module);
  const exportIndex = manifest.exports.findIndex((e) => e.name === o.export);
  if (exportIndex < 0) throw new Error(`no export ${o.export} in ${wasmPath}`);
  const memory = new WebAssembly.Memory({ initial: manifest.memory.initial, maximum: manifest.memory.maximum, shared: true });

  let onResult = null;
  let onReady = null;
  const ready = new Promise((resolve, reject) => (onReady = { resolve, reject }));
  const core = new WorkerCore({
    post: (m) => {
      if (m.type === "fatal") onReady.reject(new Error(m.message));
      if (m.type === "ready") onReady.resolve();
      if (m.type === "result") onResult(m);
    },
    soon: (fn) => setImmediate(fn),
  });
  core.onMessage({ type: "init", module, memory, manifest, index: 0, workers: 1, sliceMs: o.slice });
  await ready; // the instance is made asynchronously
  // Time every __vt_run: the worker loop calls the instance's own exports (`w.raw`, frozen), so swap in a copy with a
  // timed __vt_run. `w` is WorkerCore's private WorkerInstance (host/workers/boot.ts).
  const w = core.w;
  const raw = w.raw.__vt_run;
  const slices = { n: 0, ms: 0 };
  w.raw = {
    ...w.raw,
    __vt_run: (ms) => {
      const t0 = performance.now();
      const r = raw(ms);
      slices.ms += performance.now() - t0;
      slices.n++;
      return r;
    },
  };
  let id = 1;
  const callOnce = () =>
    new Promise((resolve, reject) => {
      onResult = (m) => (m.ok ? resolve(m.value) : reject(new Error(m.reason)));
      core.onMessage({ type: "call", id: id++, exportIndex, args: o.args });
    });

  console.log(`${o.guest}.${o.export}(${o.args.join(", ")}) on WorkerCore in-process, sliceMs ${o.slice}`);
  const walls = [];
  const inRun = [];
  for (let r = 0; r <= o.reps; r++) {
    slices.n = 0;
    slices.ms = 0;
    const ru0 = process.resourceUsage();
    const t0 = performance.now();
    const value = await callOnce();
    const wall = performance.now() - t0;
    const ru = usage(ru0);
    if (r > 0) {
      walls.push(wall);
      inRun.push(slices.ms);
    }
    const per = o.per ? ` | per unit: wall ${((wall * 1e6) / o.per).toFixed(1)} ns, in __vt_run ${((slices.ms * 1e6) / o.per).toFixed(1)} ns` : "";
    console.log(
      `${r === 0 ? "warm-up" : `run ${r}`}: ${String(value)}  wall ${wall.toFixed(2)} ms, __vt_run ${slices.ms.toFixed(2)} ms in ${slices.n} slices, ` +
        `outside ${(wall - slices.ms).toFixed(2)} ms; ${ru}${per}`,
    );
  }

  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const unit = (ms) => (o.per ? `${((ms * 1e6) / o.per).toFixed(1)} ns/unit` : `${ms.toFixed(2)} ms`);
  console.log(`in-process median of ${walls.length}: wall ${unit(med(walls))}, in __vt_run ${unit(med(inRun))}`);

  if (o.runtime) {
    const { Runtime } = await loadHost();
    const rt = await Runtime.start(wasmPath, { workers: 1, sliceMs: o.slice });
    for (let r = 0; r <= o.reps; r++) {
      const ru0 = process.resourceUsage();
      const t0 = performance.now();
      const value = await rt.call(o.export, ...o.args);
      const wall = performance.now() - t0;
      const ru = usage(ru0);
      const per = o.per ? ` | per unit ${((wall * 1e6) / o.per).toFixed(1)} ns` : "";
      console.log(`Runtime (1 worker) ${r === 0 ? "warm-up" : `run ${r}`}: ${String(value)}  wall ${wall.toFixed(2)} ms; ${ru}${per}`);
    }
    await rt.close();
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
