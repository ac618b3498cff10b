// Suspending deep in a call stack and resuming exactly there (every frame's locals intact, nothing re-run), and stack
// overflow failing only the thread that overflowed. Guest: test/guests/stacks.ts.
import { describe, expect, it } from "vitest";
import { ThreadFailure } from "../../dist/host/index.js";
import { BACKEND, TEST_TIMEOUT, callWithin, rejectionOf, sum, until, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("stacks");

/** What one `descend(1, depth, yields, seed)` returns (see test/guests/stacks.ts). */
function expectedDescend(depth: number, yields: number, seed: number): bigint {
  let total = BigInt((yields * (yields - 1)) / 2);
  for (let d = 1; d <= depth; d++) {
    const frameValue = BigInt(d) * 1_000_003n + BigInt(seed) * 7n + BigInt(d * d);
    total += 4n * frameValue + BigInt(d ^ 0x55);
  }
  return total;
}

/** deepYield(threads, depth, yields): thread i (1-based) uses seed i. */
function expectedDeepYield(threads: number, depth: number, yields: number): bigint {
  let total = 0n;
  for (let i = 1; i <= threads; i++) total += expectedDescend(depth, yields, i);
  return total;
}

describe("a suspended thread resumes where it left off", () => {
  it("the expected values themselves are what a run without suspension would compute", () => {
    // Guards the JS model: 12 frames, 3 yields, seed 1, by hand for depth 1 and 2.
    expect(expectedDescend(1, 3, 1)).toBe(3n + 4n * (1_000_003n + 7n + 1n) + BigInt(1 ^ 0x55));
    expect(expectedDescend(2, 0, 1) - expectedDescend(1, 0, 1)).toBe(4n * (2_000_006n + 7n + 4n) + BigInt(2 ^ 0x55));
  });

  for (const workers of [1, 4]) {
    it(`12 frames deep, 8 threads × 200 suspensions each (yield and sleep(0)), on ${workers} worker(s): every frame's locals survive and no frame or thread body runs twice`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const threads = 8, depth = 12, yields = 200;
        await rt.call("resetDeepCounters");
        const switchesBefore = sum(rt.schedulerStats().switches);
        const result = await callWithin(rt, 30, "deepYield", threads, depth, yields);
        expect(result).toBe(expectedDeepYield(threads, depth, yields));
        // [root runs, thread body runs, descend frame entries]: a thread restarted from its top on resume (the
        // "suspend primitive inlined before Asyncify" failure) would count more.
        expect(await rt.call("deepCounters")).toEqual([1, threads, threads * depth]);
        // The threads really did suspend at the bottom: at least one switch per suspension.
        expect(sum(rt.schedulerStats().switches) - switchesBefore).toBeGreaterThanOrEqual(threads * yields);
      });
    }, TEST_TIMEOUT);
  }

  it("a root call's own thread suspends 16 frames deep 300 times and returns the exact value, its body entered once", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      await rt.call("resetDeepCounters");
      expect(await callWithin(rt, 30, "deepYieldInRoot", 16, 300, 12345)).toBe(expectedDescend(16, 300, 12345));
      expect(await rt.call("deepCounters")).toEqual([1, 0, 16]);
    });
  }, TEST_TIMEOUT);

  it("several root calls suspending deep at the same time on 4 workers do not mix up their stacks", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      await rt.call("resetDeepCounters");
      const seeds = Array.from({ length: 12 }, (_, i) => 1000 + i * 77);
      const results = await Promise.all(seeds.map((s, i) => callWithin(rt, 30, "deepYieldInRoot", 10 + (i % 5), 60, s)));
      results.forEach((r, i) => expect(r).toBe(expectedDescend(10 + (i % 5), 60, seeds[i]!)));
      const frames = seeds.reduce((n, _, i) => n + 10 + (i % 5), 0);
      expect(await rt.call("deepCounters")).toEqual([seeds.length, 0, frames]);
    });
  }, TEST_TIMEOUT);
});

describe("stack overflow fails only the thread that overflowed", () => {
  for (const workers of [1, 4]) {
    it(`unbounded recursion (never suspends) fails its call with "stack overflow", then the same runtime answers calls (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const err = await rejectionOf(rt.call("overflow"));
        expect(err).toBeInstanceOf(ThreadFailure);
        expect(err.message).toContain("stack overflow");
        expect(err.message).toMatch(/^thread \d+ \(root of "overflow"\) failed: /);
        const failure = err as ThreadFailure;
        expect(failure.call).toBe("overflow");
        expect(failure.thread).toBeGreaterThan(0);
        expect(failure.reason).toContain("stack overflow");
        // It really recursed deep (it did not fail early for another reason).
        expect(await rt.call("deepestFrame")).toBeGreaterThan(1000);
        // The worker survived: every worker answers (more calls than workers, all correct).
        const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => callWithin(rt, 20, "ping", i)));
        expect(answers).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
        expect(await callWithin(rt, 20, "deepYieldInRoot", 12, 20, 5)).toBe(expectedDescend(12, 20, 5));
      });
    }, TEST_TIMEOUT);
  }

  it("unbounded recursion that suspends every 1000 frames (an ever larger saved stack) fails with \"stack overflow\"; the runtime goes on", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const err = await rejectionOf(rt.call("overflowWhileYielding"));
      expect(err).toBeInstanceOf(ThreadFailure);
      expect(err.message).toContain("stack overflow");
      expect(await rt.call("deepestFrame")).toBeGreaterThan(1000);
      expect(await callWithin(rt, 20, "deepYield", 4, 12, 30)).toBe(expectedDeepYield(4, 12, 30));
      // The overflowed thread was freed (roots' records are freed just after their results are posted: wait for them).
      await until(() => rt.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
    });
  }, TEST_TIMEOUT);

  it("a child's stack overflow fails the parent that joins it, with the child's message", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const err = await rejectionOf(rt.call("overflowInChild"));
      expect(err).toBeInstanceOf(ThreadFailure);
      expect((err as ThreadFailure).reason).toMatch(/^thread \d+ failed: stack overflow/);
      expect(await callWithin(rt, 20, "ping", 41)).toBe(42);
    });
  }, TEST_TIMEOUT);

  it("threads that first suspend 1 frame deep, then 2,000 frames deep, resume correctly on 4 workers (their saved stacks grow)", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const threads = 4, depth = 2000, yields = 5;
      const growthsBefore = rt.schedulerStats().stackGrowths;
      const result = await callWithin(rt, 30, "growStack", threads, depth, yields);
      let expected = 0n;
      for (let i = 1; i <= threads; i++) expected += expectedDescend(depth, yields, i);
      expect(result).toBe(expected);
      // Each thread's second save (2,000 frames) outgrew the block of its first (1 frame).
      // Asyncify saves frames into a block that grows with them; a JSPI stack is the engine's and never copied.
      if (BACKEND === "asyncify") expect(rt.schedulerStats().stackGrowths - growthsBefore).toBeGreaterThanOrEqual(threads);
    });
  }, TEST_TIMEOUT);
});
