// Every way a thread ends gives its stack back: returns, traps, fails through the scheduler, is cancelled while it
// waits (by a deadline, by its group, in a host call, asleep) or while pinned. On JSPI a thread's stack is an engine
// stack outside the Wasm memory, which V8 frees only when the stack's promising call settles; a cancelled thread's
// stack used to be dropped suspended and kept ~2 memory mappings until the process died (40,000 more ended it).
// So the tests count the process's mappings (/proc/self/maps: the workers are threads of this process) and its RSS
// across batches, after a first batch that warms every pool (idle stacks, free lists, the Wasm heap). On Asyncify
// the same churn checks the heap stays flat too.
//
// `npm run test:soak` (VTHREADS_SOAK=1) runs the target of issue 18: 1,000,000 cancelled waits in batches of 10,000.
import fs from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import path from "node:path";
import { describe, it, expect } from "vitest";
import type { Runtime } from "../../dist/host/index.js";
import { BACKEND, REPO_ROOT, callWithin, start, stop, useGuest, backendAndWorkers, until, workersIdle } from "./helpers.js";

const SOAK = process.env.VTHREADS_SOAK === "1";
const HOST = path.join(REPO_ROOT, "test", "guests", "churn-host.mjs");

/** The guest's kinds of ending (test/guests/churn.ts). */
const KINDS = {
  returns: 0,
  traps: 1,
  "fails by joining a failed group": 2,
  "cancelled by a deadline in recv": 3,
  "cancelled by its group in recv": 4,
  "cancelled in a host call": 5,
  "cancelled asleep": 6,
  "cancelled by a deadline while pinned": 7,
} as const;

/** The churn: 10,000 waits per batch, cancelled by a deadline, by the group, and asleep, in turn. */
const BATCH = 10_000;
const CANCELLED_WAITS: number[] = [KINDS["cancelled by a deadline in recv"], KINDS["cancelled by its group in recv"], KINDS["cancelled asleep"]];
/** 50,000 cancelled waits would have added ~100,000 mappings (V8 aborts the process before). Soak: 1,000,000. */
const BATCHES = SOAK ? 100 : 5;
/**
 * The other endings, 10,000 each after a warm-up, may add fewer than 1 mapping per this many threads (a leaked stack
 * adds 2 per thread).
 */
const THREADS_PER_MAPPING = 20;

function mappings(): number {
  return fs.readFileSync("/proc/self/maps", "utf8").split("\n").length - 1;
}

/**
 * Mappings and RSS after a full collection of every JS heap: each worker's (a host function, until each of the
 * `workers` distinct workers has run it) and this thread's. V8 lets a heap grow for dozens of batches before a full
 * collection (measured: +60% mappings, then back), which would hide a leak or fake one.
 */
async function reading(rt: Runtime, workers: number): Promise<{ maps: number; rss: number }> {
  const seen = new Set<number>();
  for (let i = 0; seen.size < workers; i++) {
    if (i === 1_000) throw new Error(`only ${seen.size} of ${workers} workers ran collectJs`);
    seen.add((await rt.call("collectJs")) as number);
  }
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
  return { maps: mappings(), rss: process.memoryUsage().rss };
}

/** Within 10% of the reading after the first batch. */
function expectFlat(what: string, first: number, now: number): void {
  expect(now, `${what}: ${first} after the first batch, ${now} now`).toBeLessThanOrEqual(first * 1.1);
}

const wasm = useGuest("churn");

const linux = process.platform === "linux";

for (const workers of [1, 4]) {
  describe(`threads ending every way give their stacks back (${backendAndWorkers(workers)})`, () => {
    it.runIf(linux)(`${BATCHES * BATCH} cancelled waits in batches of ${BATCH}: mappings, RSS and the heap flat within 10% after the first batch`, async () => {
      const rt = await start(wasm(), workers, { hostModule: HOST });
      try {
        const batch = async (b: number) => {
          const kind = CANCELLED_WAITS[b % CANCELLED_WAITS.length];
          expect(await callWithin(rt, 300, "churn", BATCH, kind)).toBe(BATCH);
        };
        await batch(0);
        const first = await reading(rt, workers);
        // The Wasm heap's bytes in use count garbage until a collection: collect first, as reading() does for V8's
        // heap, so that the comparison sees what is kept, not where the last collection happened to fall; and wait
        // until every worker is idle (on JSPI a busy worker keeps finished threads' shadow stacks for reuse).
        const heapNow = async () => {
          await until(() => workersIdle(rt), 30, "the workers to go idle");
          await rt.collect();
          return rt.memoryStats().heapBytes;
        };
        const heap0 = await heapNow();
        let peak = first;
        for (let b = 1; b < BATCHES; b++) {
          await batch(b);
          const now = await reading(rt, workers);
          expectFlat(`mappings after batch ${b + 1}`, first.maps, now.maps);
          expectFlat(`RSS after batch ${b + 1}`, first.rss, now.rss);
          peak = { maps: Math.max(peak.maps, now.maps), rss: Math.max(peak.rss, now.rss) };
        }
        console.log(`${BACKEND}, ${workers} worker(s), ${BATCHES * BATCH} cancelled waits: mappings ${first.maps} after ` +
          `the first batch, at most ${peak.maps} after; RSS ${(first.rss / 2 ** 20).toFixed(1)} MiB, at most ` +
          `${(peak.rss / 2 ** 20).toFixed(1)} MiB`);
        // Collected, the heap holds little (0.4 MiB on JSPI with 4 workers): 10 % of it is below the spread of the
        // workers' spare blocks, so 256 KiB more are allowed; a leak of 8 bytes per thread (40,000 threads) exceeds it.
        const heapEnd = await heapNow();
        expect(heapEnd, `Wasm heap bytes: ${heap0} after the first batch, ${heapEnd} now`).toBeLessThanOrEqual(heap0 * 1.1 + 256 * 1024);
      } finally {
        await stop(rt);
      }
    }, SOAK ? 3_600_000 : 240_000);

    it.runIf(linux)(`threads that trap, fail, or are cancelled in a host call or while pinned leave no stack behind`, async () => {
      const rt = await start(wasm(), workers, { hostModule: HOST });
      try {
        const kinds = Object.values(KINDS).filter((k) => !CANCELLED_WAITS.includes(k));
        for (const kind of kinds) expect(await callWithin(rt, 300, "churn", 2_000, kind)).toBe(2_000);
        const before = await reading(rt, workers);
        for (const kind of kinds) expect(await callWithin(rt, 300, "churn", BATCH, kind)).toBe(BATCH);
        const added = (await reading(rt, workers)).maps - before.maps;
        expect(added, `${added} mappings added by ${kinds.length * BATCH} threads`).toBeLessThan((kinds.length * BATCH) / THREADS_PER_MAPPING);
      } finally {
        await stop(rt);
      }
    }, 240_000);

    for (const [name, kind] of Object.entries(KINDS)) {
      it(`a thread that ${name} ends, and its parent goes on (100 rounds)`, async () => {
        const rt = await start(wasm(), workers, { hostModule: HOST });
        try {
          expect(await callWithin(rt, 60, "churn", 100, kind)).toBe(100);
        } finally {
          await stop(rt);
        }
      });
    }
  });
}
