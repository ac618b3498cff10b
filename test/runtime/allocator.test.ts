// The shared allocator under contention: threads on 4 and 8 workers allocate, fill, check and free blocks of mixed
// sizes (per-worker caches, the shared lists, memory growth) while yielding in between. Every block must keep its
// contents until its owner frees it, and after all threads are done the bytes in use return to where they were.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest, until, workersIdle } from "./helpers.js";

const wasm = useGuest("allocator");

describe("the shared allocator under contention", () => {
  for (const workers of [4, 8]) {
    it(`${workers} workers: 400 threads x 200 rounds of alloc/fill/check/free, no corrupted word, memory grows, bytes in use come back`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const memoryBefore = rt.memoryStats().memoryBytes;
        const warm = (await callWithin(rt, 60, "churn", 50, 50, 7)) as number;
        expect(warm).toBe(0);
        // Heap readings with every worker idle: on JSPI a busy worker still holds finished threads' shadow stacks.
        await until(() => workersIdle(rt), 30, "the workers to go idle");
        const before = rt.memoryStats().heapBytes;
        for (const seed of [1, 2, 3]) {
          expect(await callWithin(rt, 60, "churn", 400, 200, seed)).toBe(0);
        }
        const stats = rt.schedulerStats();
        expect(stats.switches.filter((n) => n > 0).length).toBeGreaterThan(1);
        // The root spawned every thread on one worker: the others got theirs by stealing, after being woken.
        expect(stats.steals.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(stats.wakeups.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(rt.memoryStats().memoryBytes).toBeGreaterThan(memoryBefore);
        // The raw blocks are all freed; what remains per thread is its guest objects, never collected yet: its Future
        // (48 bytes) and its three 16-element StaticArrays (96 bytes each), 336 bytes, against the ~200 blocks of up
        // to 66 KiB each thread churned through.
        await until(() => workersIdle(rt), 30, "the workers to go idle");
        expect(rt.memoryStats().heapBytes - before).toBeLessThan(3 * 400 * 400);
      });
    }, TEST_TIMEOUT);
  }
});
