// Many threads: 10,000 siblings in one group, and trees of nested groups, on 1, 2 and 4 workers, with exact results
// and every thread accounted for. Guest: test/guests/spawning.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, until, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("spawning", "scale");

/** tree(levels, fan): the sum of every node's label; a node's children are labelled label·fan + i + 1. */
function expectedTree(levels: number, fan: number, label = 0n): bigint {
  let total = label;
  if (levels > 0) for (let i = 0n; i < BigInt(fan); i++) total += expectedTree(levels - 1, fan, label * BigInt(fan) + i + 1n);
  return total;
}

const nodeCount = (levels: number, fan: number): number => (fan ** (levels + 1) - 1) / (fan - 1);

describe("10,000 threads", () => {
  for (const workers of [1, 2, 4]) {
    it(`fanOut(10000) on ${workers} worker(s): 10,000 children in one group, each yielding once, sum exactly 99,990,000; none left alive`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const spawnedBefore = rt.schedulerStats().spawned;
        expect(await callWithin(rt, 30, "fanOut", 10_000)).toBe(10_000n * 9_999n);
        // 10,000 children + the root call's own thread.
        expect(rt.schedulerStats().spawned - spawnedBefore).toBe(10_001);
        // The root's record is freed just after its result is posted: give the worker a moment.
        await until(() => rt.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
      });
    }, TEST_TIMEOUT);

    it(`a tree of nested groups, 4 levels × fan-out 10 (11,111 threads) and 12 levels × fan-out 2 (8,191 threads), on ${workers} worker(s): exact label sums, every node started and finished once`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        expect(await callWithin(rt, 30, "tree", 4, 10)).toBe(expectedTree(4, 10));
        expect(await rt.call("treeCounters")).toEqual([nodeCount(4, 10), nodeCount(4, 10)]);
        expect(await callWithin(rt, 30, "tree", 12, 2)).toBe(expectedTree(12, 2));
        expect(await rt.call("treeCounters")).toEqual([nodeCount(12, 2), nodeCount(12, 2)]);
        await until(() => rt.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
      });
    }, TEST_TIMEOUT);
  }

  it("the expected tree sums are right (small cases by hand)", () => {
    expect(expectedTree(0, 10)).toBe(0n);
    expect(expectedTree(1, 3)).toBe(1n + 2n + 3n);
    // level 2 under fan 2: children 1, 2; grandchildren 3, 4 (of 1) and 5, 6 (of 2)
    expect(expectedTree(2, 2)).toBe(1n + 2n + 3n + 4n + 5n + 6n);
    expect(nodeCount(4, 10)).toBe(11_111);
    expect(nodeCount(12, 2)).toBe(8_191);
  });
});
