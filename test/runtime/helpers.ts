// Shared helpers of the runtime tests: build a guest once per test file, start runtimes that are always closed,
// and turn a hang into a failure that shows what the scheduler was doing.
//
// The tests import the compiled host (dist/, built by `npx tsc -p .`): the workers load dist/host/workers/*.js.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, afterAll } from "vitest";
import { Runtime, ThreadFailure, type RuntimeOptions, type Backend } from "../../dist/host/index.js";
import { build } from "../../dist/host/toolchain.js";
import { WORKER_STATS, WORKER_STATS_STRIDE, WS_IDLE } from "../../dist/host/abi/layout.js";

/**
 * The backend the suite runs on: `npm test` runs it once on Asyncify (this Node) and once on JSPI (Node 25, from
 * tools/node25), with VTHREADS_BACKEND=jspi (scripts/test-jspi.sh).
 */
export const BACKEND: Backend = process.env.VTHREADS_BACKEND === "jspi" ? "jspi" : "asyncify";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Per-test timeout (ms) for tests that start runtimes: vitest's third argument of `it`. */
export const TEST_TIMEOUT = 60_000;

/** Time for a guest's build in a beforeAll hook: asc and binaryen, slow on a loaded 2-core machine. */
export const BUILD_TIMEOUT = 120_000;

/**
 * A test file's guest: builds test/guests/<guest>.ts once before the file's tests (see buildGuest for `outName`), and
 * closes whatever runtime a test left open after them (closeAll). Call it at the top of the file (or of a describe
 * block); the getter it returns gives the .wasm path inside tests and hooks.
 */
export function useGuest(guest: string, outName = guest): () => string {
  let wasm: string | undefined;
  beforeAll(async () => {
    wasm = await buildGuest(guest, outName);
  }, BUILD_TIMEOUT);
  afterAll(closeAll);
  return () => {
    if (wasm === undefined) throw new Error(`test/guests/${guest}.ts is not built yet: read its path inside a test or a hook`);
    return wasm;
  };
}

/**
 * Builds test/guests/<guest>.ts into build/test/<outName>/ and returns the .wasm path. `outName` defaults to the
 * guest's name; give each test file its own when two files build the same guest, so parallel runs never write the
 * same output file.
 */
export async function buildGuest(guest: string, outName = guest): Promise<string> {
  const out = await build({
    entry: path.join(REPO_ROOT, "test", "guests", `${guest}.ts`),
    outDir: path.join(REPO_ROOT, "build", "test", outName),
    backends: [BACKEND],
  });
  return out.modules[BACKEND]!;
}

const live = new Set<Runtime>();

/** Starts a runtime that `closeAll()` (call it in afterAll) closes if the test did not. */
export async function start(wasm: string, workers: number, options: RuntimeOptions = {}): Promise<Runtime> {
  const rt = await Runtime.start(wasm, { backend: BACKEND, ...options, workers });
  live.add(rt);
  return rt;
}

/**
 * Closes a runtime. `close()` waits for the calls in flight, so after a hang it would never return: after
 * `graceMs` the workers are terminated directly (through the private `workers` field; test-only).
 */
export async function stop(rt: Runtime, graceMs = 5_000): Promise<void> {
  live.delete(rt);
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    rt.close().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
  ]);
  clearTimeout(timer);
  if (!closed) {
    const workers = (rt as unknown as { workers: { terminate(): Promise<void> }[] }).workers;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Runs `fn` on a fresh runtime and always closes it. */
export async function withRuntime<T>(wasm: string, workers: number, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await start(wasm, workers);
  try {
    return await fn(rt);
  } finally {
    await stop(rt);
  }
}

/**
 * Inside a describe block (or at the top of a file, after useGuest): a runtime started before its tests (on the
 * module `wasm()` names once built) and stopped after them. Returns a getter for it. Give `options` as a function
 * when they depend on what an earlier hook set up (a server's address, a temporary directory).
 */
export function sharedRuntime(
  wasm: () => string,
  workers: number,
  options: RuntimeOptions | (() => RuntimeOptions) = {},
): () => Runtime {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await start(wasm(), workers, typeof options === "function" ? options() : options);
  }, 60_000);
  afterAll(async () => stop(rt));
  return () => rt;
}

/** The guest's own message of a root call that must fail with a ThreadFailure. */
export async function failureReason(rt: Runtime, name: string, ...args: unknown[]): Promise<string> {
  const e = await rejectionOf(rt.call(name, ...args));
  if (!(e instanceof ThreadFailure)) throw new Error(`expected a ThreadFailure from ${name}, got ${e.name}: ${e.message}`);
  return e.reason;
}

/**
 * Whether every worker is asleep with nothing to run. A worker on JSPI keeps the stacks of finished threads for reuse
 * (with their 16 KiB shadow stacks on the heap) until it finds nothing to run, a moment after a call settles: heap
 * measurements wait for this as well as for liveThreads 0.
 */
export function workersIdle(rt: Runtime): boolean {
  const stats = new Int32Array(rt.memory.buffer, WORKER_STATS, (rt.workerCount * WORKER_STATS_STRIDE) >> 2);
  for (let i = 0; i < rt.workerCount; i++) if (Atomics.load(stats, (i * WORKER_STATS_STRIDE + WS_IDLE) >> 2) !== 1) return false;
  return true;
}

/** Closes every runtime `start` opened and nobody stopped. */
export async function closeAll(): Promise<void> {
  await Promise.all([...live].map((rt) => stop(rt)));
}

/**
 * `rt.call(name, ...args)` that rejects after `seconds` instead of hanging, with the scheduler and memory
 * statistics in the message (a lost wake-up shows as runnable 0, sleeping 0, liveThreads > 0).
 */
export function callWithin(rt: Runtime, seconds: number, name: string, ...args: unknown[]): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `call ${name}(${args.map(String).join(", ")}) did not finish within ${seconds} s; ` +
            `scheduler: ${JSON.stringify(rt.schedulerStats())}, memory: ${JSON.stringify(rt.memoryStats())}`,
        ),
      );
    }, seconds * 1000);
  });
  return Promise.race([rt.call(name, ...args), timeout]).finally(() => clearTimeout(timer));
}

/** Settles `promise` within `seconds` or fails (for calls expected to reject: a hang must not pass). */
export function within<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The rejection of `promise`; throws if it resolves, or if it does not settle within `seconds` (a hang). */
export async function rejectionOf(promise: Promise<unknown>, seconds = 20): Promise<Error> {
  const TIMEOUT = Symbol("timeout");
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise<typeof TIMEOUT>((resolve) => (timer = setTimeout(() => resolve(TIMEOUT), seconds * 1000))),
  ]).finally(() => clearTimeout(timer));
  if (outcome === TIMEOUT) throw new Error(`expected a rejection, but nothing settled within ${seconds} s`);
  if ("value" in outcome) throw new Error(`expected a rejection, got the value ${String(outcome.value)}`);
  if (!(outcome.error instanceof Error)) throw new Error(`expected an Error, got ${String(outcome.error)}`);
  return outcome.error;
}

/**
 * Forces collections (`rt.collect()`), one after another, while `call` runs: at most `max`. Returns how many ran. For
 * tests that objects held only by parked threads (or in flight through the runtime) survive collections at any moment.
 */
export async function collectDuring(rt: Runtime, call: Promise<unknown>, max: number): Promise<number> {
  let done = false;
  void call.finally(() => (done = true)).catch(() => {}); // the caller awaits `call` and sees its failure
  let collections = 0;
  while (!done && collections < max) {
    await rt.collect();
    collections++;
  }
  return collections;
}

/** "asyncify, 1 worker", "jspi, 4 workers": the backend and worker count, as some describe blocks name them. */
export const backendAndWorkers = (workers: number): string => `${BACKEND}, ${workers} worker${workers > 1 ? "s" : ""}`;

/** Sum of a per-worker counter. */
export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Waits until `cond()` holds (polled every 5 ms) or fails after `seconds`. */
export async function until(cond: () => boolean, seconds: number, what: string): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The guests' 32-bit xorshift (Marsaglia 13/17/5), so JS can replay a guest's pseudo-random schedule. */
export function xorshift32(x: number): number {
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}
