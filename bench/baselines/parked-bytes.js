// Parked-bytes baseline: n async functions, each suspended at call depth 1 in `await gate` on ONE
// unresolved promise. Nothing else holds them (no array of their promises): what stays alive is what
// a suspended async function costs (its generator object and register file, its own promise, the
// reaction on the gate). Measured as V8 heapUsed after a full GC while all are suspended, minus the
// same before, divided by n. Needs node --expose-gc (run.js starts its children with it).
import { SkipError, expectValue, sleepMs } from "../common.js";

let finished = 0;
let sum = 0;
let allDone = null;

async function waiter(gate) {
  const v = await gate; // parked here, call depth 1
  sum += v;
  if (++finished === waiter.n) allDone();
}

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

export async function asyncAwait({ n }) {
  if (typeof globalThis.gc !== "function") {
    throw new SkipError("global.gc is not exposed (run node with --expose-gc; run.js does this unless --in-process)");
  }
  finished = 0;
  sum = 0;
  waiter.n = n;
  const done = new Promise((resolve) => (allDone = resolve));
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  await sleepMs(0);
  const before = heapAfterGc();
  for (let i = 0; i < n; i++) waiter(gate);
  const during = heapAfterGc();
  if (finished !== 0) throw new Error("parked-bytes async-await: a waiter finished before the gate opened");
  release(1);
  await done;
  expectValue("parked-bytes async-await", sum, n);
  return (during - before) / n;
}
