// Runs one benchmark variant: optional warm-up runs, then `reps` measured runs; returns the samples.
// Used in-process by run.js (--in-process) or as a child process started by run.js with fork()
// (the default: a fresh V8 heap per variant, and --expose-gc for the baselines, which the parked-bytes one needs).
// Child protocol: the parent sends one job message; the child answers { ok, samples } or
// { ok: false, error, skipped } and exits.
import { startRuntime } from "./vthreads/host.js";

function collectGarbage() {
  if (typeof globalThis.gc === "function") globalThis.gc();
}

/**
 * @param {{ benchmark: string, variant: string, kind: "baseline" | "vthreads", module: string,
 *           export?: string, workers: number, runtime?: object, params: object, reps: number, warmup: number,
 *           wasmPath?: string, backend?: "asyncify" | "jspi" }} job
 * @returns {Promise<{ samples: number[], infos: object[] }>}
 */
export async function runVariant(job) {
  const mod = await import(new URL(job.module, import.meta.url).href);
  let rt = null;
  let once;
  if (job.kind === "vthreads") {
    // a vthreads module exports run(rt, params), or several such functions named by the variant's `export`
    const runFn = mod[job.export ?? "run"];
    if (typeof runFn !== "function") throw new Error(`${job.module} does not export ${job.export ?? "run"}(rt, params)`);
    if (!job.wasmPath) throw new Error(`no built module for ${job.benchmark}/${job.variant}`);
    const hostModule = job.hostModule ? new URL(job.hostModule, import.meta.url) : undefined;
    // `backend` (benchmarks.js) picks the stack switching; without it the Runtime's default ("auto": Asyncify for x.wasm)
    const options = { ...job.runtime, hostModule, ...(job.backend ? { backend: job.backend } : {}) };
    const startOne = async () => {
      const started = await startRuntime(job.wasmPath, job.workers, options);
      if (job.backend && started.backend !== job.backend) {
        await started.close();
        throw new Error(`asked for backend ${job.backend}, the runtime runs ${started.backend} (${started.backendReason})`);
      }
      return started;
    };
    if (mod.standalone === true) {
      // a module that starts its own processes and runtimes (parked-limit.js): run(null, params, job)
      once = () => runFn(null, job.params, job);
    } else {
      rt = await startOne();
      // A variant may run without the collector (`runtime: { gc: false }`): then every run leaves its guest objects
      // behind, and the shared memory cannot exceed its maximum (2 GiB). Before a run that might not fit, start a
      // fresh runtime and give it one unmeasured run, instead of letting the run fail with "out of memory". Nothing
      // of this is inside a timed region.
      let growth = 0; // largest heap growth of one run so far
      const runOnce = async () => {
        const start = rt.memoryStats().heapReserved;
        const value = await runFn(rt, job.params);
        growth = Math.max(growth, rt.memoryStats().heapReserved - start);
        return value;
      };
      once = async () => {
        const limit = rt.manifest.memory.maximum * 65536;
        if (growth > 0 && rt.memoryStats().heapReserved + 2 * growth > limit) {
          console.error(`  (${job.benchmark}/${job.variant}/${job.workers}: guest heap near its maximum, restarting the runtime)`);
          const old = rt;
          rt = null;
          await old.close();
          rt = await startOne();
          await runOnce();
        }
        return runOnce();
      };
    }
  } else {
    const fn = mod[job.export];
    if (typeof fn !== "function") throw new Error(`${job.module} does not export ${job.export}()`);
    // baselines get the variant's worker count too (the worker_threads baselines use it)
    once = () => fn({ ...job.params, workers: job.workers });
  }
  const samples = [];
  const infos = [];
  // A run returns the measured number, or { value, info } where info is an object of extra per-run numbers
  // (scheduler counters, ...) that run.js prints as notes and writes to the JSON records.
  const split = (out) => (out !== null && typeof out === "object" ? out : { value: out, info: undefined });
  try {
    for (let i = 0; i < job.warmup; i++) {
      collectGarbage();
      await once();
    }
    for (let i = 0; i < job.reps; i++) {
      collectGarbage();
      const { value, info } = split(await once());
      if (info !== undefined) infos.push(info);
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new Error(`measured value is not a finite number: ${String(value)}`);
      }
      samples.push(value);
    }
  } finally {
    if (rt !== null) await rt.close();
  }
  return { samples, infos };
}

export function describeError(err) {
  if (err instanceof Error) return err.stack || `${err.name}: ${err.message}`;
  return String(err);
}

// Child-process mode.
if (typeof process.send === "function" && process.argv.includes("--vthreads-bench-child")) {
  process.once("message", async (job) => {
    let reply;
    try {
      reply = { ok: true, ...(await runVariant(job)) };
    } catch (err) {
      reply = { ok: false, error: describeError(err), skipped: err?.name === "SkipError" };
    }
    process.send(reply, () => process.exit(0));
  });
}
