// Incremental marking: a collection marks in steps, one per pause, while threads run in between and move references
// behind its back; the write barrier and the last pause's second look at the roots must keep all of them.
// Guest: test/guests/gc-incremental.ts (every structure checked against the checksum it was built with).
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../dist/host/index.js";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("gc-incremental");

/**
 * Forces collections while `call` runs and returns the largest number of pauses one of them took (1 = it marked and
 * swept in a single pause, so nothing ran while it marked).
 */
async function collectAlongside(rt: Runtime, call: Promise<unknown>): Promise<{ collections: number; maxPauses: number }> {
  let done = false;
  void call.finally(() => (done = true)).catch(() => {});
  let collections = 0;
  let maxPauses = 0;
  while (!done) {
    await rt.collect();
    collections++;
    maxPauses = Math.max(maxPauses, rt.memoryStats().gc.lastCollectionPauses);
  }
  return { collections, maxPauses };
}

describe("incremental marking", () => {
  for (const workers of [1, 4]) {
    it(`references moved between objects, stacks and channels while a collection marks all survive (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        for (let run = 0; run < 2; run++) {
          const seed = (Math.random() * 0xffffffff) >>> 0 || 1;
          // 8 threads x 6000 slots x about 12 objects: marking them takes several steps, and each shelf is an array
          // longer than the collector's slice (4096 elements), traced in parts while the threads change it.
          const call = callWithin(rt, 120, "shuffle", 8, 6000, 6000, seed);
          const { collections, maxPauses } = await collectAlongside(rt, call);
          expect(await call, `damaged structures (seed ${seed})`).toBe(0);
          expect(collections).toBeGreaterThan(1);
          expect(maxPauses, "a collection that marked while threads ran").toBeGreaterThan(1);
        }
        expect(rt.memoryStats().gc.skipped).toBe(0);
      });
    }, TEST_TIMEOUT * 2);

    it(`a thread's result, stored into its future while a collection marks, survives the thread (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const seed = (Math.random() * 0xffffffff) >>> 0 || 1;
        const call = callWithin(rt, 120, "results", 3000, seed);
        const { collections } = await collectAlongside(rt, call);
        expect(await call, `damaged results (seed ${seed})`).toBe(0);
        expect(collections).toBeGreaterThan(0);
      });
    }, TEST_TIMEOUT * 2);
  }

  it("a collection of a big live heap takes several short pauses; the counts and the longest pause are reported", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const call = callWithin(rt, 120, "shuffle", 4, 3000, 20000, 7);
      const { maxPauses } = await collectAlongside(rt, call);
      expect(await call).toBe(0);
      const { gc } = rt.memoryStats();
      expect(maxPauses).toBeGreaterThan(2);
      expect(gc.lastCollectionPauses).toBeGreaterThanOrEqual(1);
      expect(gc.lastCollectionMaxPauseMs).toBeGreaterThan(0);
      expect(gc.lastCollectionMaxPauseMs).toBeLessThanOrEqual(gc.maxPauseMs);
    });
  }, TEST_TIMEOUT * 2);
});
