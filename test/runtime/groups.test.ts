// Structured concurrency: ThreadGroup limits, failures, closing, owners that wait for their groups, context
// variables, background work joined at close. Guest: test/guests/groups.ts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TEST_TIMEOUT, sharedRuntime, failureReason, callWithin, start, stop, within, useGuest, xorshift32 } from "./helpers.js";

const wasm = useGuest("groups", "groups-structured");


for (const workers of [1, 4]) {
  describe(`thread groups on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("200 threads each get 100 futures at once while the children complete (on any worker): every result, no lost wake-up", async () => {
      // What getRace sums, replayed: each getter's xorshift sequence from its seed, the low 16 bits per child.
      let expected = 0n;
      for (let i = 0; i < 200; i++) {
        let x = ((12345 + i * 7919) | 1) >>> 0;
        for (let k = 0; k < 100; k++) { x = xorshift32(x); expected += BigInt(x & 0xffff); }
      }
      expect(await callWithin(runtime(), 30, "getRace", 200, 12345)).toBe(expected);
    }, TEST_TIMEOUT);

    it("ends handed over in batches: several groups spawned into at once, one maybe cancelled half-way, random work: every count right, every join complete (fast-check seeds)", async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 0x7fffffff }), async (seed) => {
        const completed = (await callWithin(runtime(), 30, "batchedEnds", seed, 20)) as bigint;
        expect(completed).toBeGreaterThan(0n); // -1: a count or a future was wrong (see the guest)
      }), { numRuns: 15 });
    }, TEST_TIMEOUT);

    it("maxConcurrency 8: 500 spawns never block the spawner, at most 8 run at once, they start in spawn order, all results arrive", async () => {
      const r = (await callWithin(runtime(), 30, "limitedGroup", 500, 8)) as number;
      const max = Math.floor(r / 1_000_000);
      expect(max).toBeGreaterThanOrEqual(1);
      expect(max).toBeLessThanOrEqual(8);
      // Every result right and the spawner never waited; on one worker they also started in spawn order (on
      // several, two children can start at the same moment, so the order of their first steps is not defined).
      expect(r % 100_000).toBe(1);
      if (workers === 1) expect(r % 1_000_000).toBe(100_001);
    }, TEST_TIMEOUT);

    it("maxConcurrency 1 runs the children one at a time, in order", async () => {
      expect((await callWithin(runtime(), 30, "limitedGroup", 50, 1)) as number).toBe(1_100_001);
    }, TEST_TIMEOUT);

    it("join fails the parent with every failure, the first one marked", async () => {
      const r = await failureReason(runtime(), "allFail", 3);
      if (workers > 1) {
        // On several workers a child may see the first failure's cancellation before it fails itself (it is then
        // cancelled, not failed): every failure that happened is listed, the first marked.
        expect(r).toMatch(/^(thread \d+ failed: failure number \d|[23] threads failed: thread \d+ failed: failure number \d \(first\)(; thread \d+ failed: failure number \d)+)$/);
        return;
      }
      const m = /^3 threads failed: (.*)$/.exec(r);
      expect(m, r).not.toBeNull();
      const parts = m![1].split("; ");
      expect(parts).toHaveLength(3);
      expect(parts[0]).toMatch(/^thread \d+ failed: failure number \d \(first\)$/);
      const numbers = parts.map((p) => Number(/failure number (\d)/.exec(p)![1])).sort();
      expect(numbers).toEqual([0, 1, 2]);
      const many = await failureReason(runtime(), "allFail", 25);
      expect(many).toMatch(/^25 threads failed: thread \d+ failed: failure number \d+ \(first\);.*; and 15 more$/);
    }, TEST_TIMEOUT);

    it("a joined group refuses spawns; a child cannot join its own group; a bad maxConcurrency is named", async () => {
      expect(await failureReason(runtime(), "spawnAfterJoin")).toBe("spawn refused: the group was already joined");
      expect(await failureReason(runtime(), "childJoinsItsGroup")).toMatch(
        /^thread \d+ failed: ThreadGroup.join: thread \d+ is a child of this group and would wait for itself$/,
      );
      expect(await failureReason(runtime(), "negativeLimit")).toBe("ThreadGroup: maxConcurrency must be 0 (no limit) or positive, got -2");
    }, TEST_TIMEOUT);

    it("a thread that ends without joining its failed group fails with that failure (nothing is lost)", async () => {
      expect(await failureReason(runtime(), "forgetFailedGroup")).toMatch(/^thread \d+ failed: late failure$/);
    }, TEST_TIMEOUT);

    it("a thread that returns without joining waits for its group: its future completes after its children", async () => {
      expect(await callWithin(runtime(), 30, "ownerWaits", 20)).toBe(20);
    }, TEST_TIMEOUT);

    it("context variables: children see the parent's values as of spawn; their own set() stays theirs", async () => {
      expect(await callWithin(runtime(), 30, "contextInheritance")).toBe(2);
      // A variable is its object: another ContextVar with the same name is another variable, on every worker.
      expect(await callWithin(runtime(), 30, "contextIdentity")).toBe(1002);
    }, TEST_TIMEOUT);
  });
}

describe("the background group", () => {
  it("close() waits for background threads spawned by a call that already returned", async () => {
    const rt = await start(wasm(), 2);
    expect(await rt.call("startBackground", 50, 30)).toBe(0);
    const cell = (await rt.call("cellAddress", 2)) as number;
    await within(rt.close(), 30, "close");
    expect(new Int32Array(rt.memory.buffer, cell, 1)[0]).toBe(50);
  }, TEST_TIMEOUT);

  it("close({ cancelBackgroundAfterMs }) cancels background work that would run for a day", async () => {
    const rt = await start(wasm(), 2);
    await rt.call("startBackground", 10, 86_400_000);
    const cell = (await rt.call("cellAddress", 2)) as number;
    await within(rt.close({ cancelBackgroundAfterMs: 50 }), 30, "close");
    expect(new Int32Array(rt.memory.buffer, cell, 1)[0]).toBe(0); // cancelled in their sleep: nothing after it ran
  }, TEST_TIMEOUT);

  it("close() rejects a bad cancelBackgroundAfterMs", async () => {
    const rt = await start(wasm(), 1);
    await expect(rt.close({ cancelBackgroundAfterMs: -1 })).rejects.toThrow("close: cancelBackgroundAfterMs must be a number >= 0, got -1");
    await stop(rt);
  }, TEST_TIMEOUT);
});
