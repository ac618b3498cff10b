// Many root calls in flight at once: each gets its own root thread and its own result, whichever worker takes it.
// Guest: test/guests/basics.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, until, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("basics");

/** The i-th call of the mix and the result it must give. */
function callFor(i: number): { name: string; args: unknown[]; expected: (v: unknown) => void } {
  switch (i % 5) {
    case 0:
      return { name: "add", args: [i, 0.5], expected: (v) => expect(v).toBe(i + 0.5) };
    case 1:
      return { name: "greet", args: [`caller ${i} ✓`], expected: (v) => expect(v).toBe(`hello, caller ${i} ✓`) };
    case 2: {
      const n = 20 + i; // fanOut(n) = n·(n-1)
      return { name: "fanOut", args: [n], expected: (v) => expect(v).toBe(BigInt(n * (n - 1))) };
    }
    case 3:
      return { name: "sleepFor", args: [5 + (i % 7)], expected: (v) => expect(v).toBeGreaterThanOrEqual(5 + (i % 7)) };
    default:
      return { name: "myId", args: [], expected: (v) => expect(v).toBeGreaterThan(0) };
  }
}

describe("concurrent root calls", () => {
  it("100 calls in flight at once on 4 workers (add, greet, fanOut, sleepFor, myId) all return their own correct result", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const calls = Array.from({ length: 100 }, (_, i) => callFor(i));
      const results = await Promise.all(calls.map((c) => callWithin(rt, 30, c.name, ...c.args)));
      results.forEach((v, i) => calls[i]!.expected(v));
      // Every call started a root thread, and they spread over more than one worker.
      const stats = rt.schedulerStats();
      expect(stats.switches.filter((n) => n > 0).length).toBeGreaterThan(1);
      await until(() => rt.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
    });
  }, TEST_TIMEOUT);

  it("100 concurrent myId() calls get 100 distinct root thread ids", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const ids = (await Promise.all(Array.from({ length: 100 }, () => callWithin(rt, 30, "myId")))) as number[];
      expect(new Set(ids).size).toBe(100);
      for (const id of ids) expect(id).toBeGreaterThan(0);
      expect(rt.schedulerStats().spawned).toBe(100);
    });
  }, TEST_TIMEOUT);

  it("5 waves of 100 concurrent calls on 4 workers: every wave correct (state does not leak between calls)", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      for (let wave = 0; wave < 5; wave++) {
        const calls = Array.from({ length: 100 }, (_, i) => callFor(i + wave * 100));
        const results = await Promise.all(calls.map((c) => callWithin(rt, 30, c.name, ...c.args)));
        results.forEach((v, i) => calls[i]!.expected(v));
      }
    });
  }, TEST_TIMEOUT);
});
