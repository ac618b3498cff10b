// The order in which runnable threads run (wasm/scheduler/runqueue.ts): the threads a run makes runnable run next,
// in the order it made them runnable, so a tree of threads runs depth-first and stays small; threads queued before
// (a yielder) still get their turns. Guest: test/guests/order.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("order");

/** Labels of a tree's nodes in depth-first preorder: the children of `label` are label * fan + 1 .. label * fan + fan. */
function preorder(levels: number, fan: number, label = 0): number[] {
  const out = [label];
  if (levels > 0) for (let i = 1; i <= fan; i++) out.push(...preorder(levels - 1, fan, label * fan + i));
  return out;
}

describe("run order", () => {
  it("on 1 worker, a tree of threads starts in depth-first preorder, siblings in spawn order", async () => {
    await withRuntime(wasm(), 1, async (rt) => {
      expect(await callWithin(rt, 30, "treeStartOrder", 3, 4)).toEqual(preorder(3, 4));
      expect(await callWithin(rt, 30, "treeStartOrder", 1, 12)).toEqual(preorder(1, 12));
    });
  }, TEST_TIMEOUT);

  for (const workers of [1, 4]) {
    it(`on ${workers} worker(s), a tree of 111,111 threads (5 levels x 10) never has more than a few hundred alive at once`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const [nodes, peak] = (await callWithin(rt, 60, "treePeak", 5, 10)) as number[];
        expect(nodes).toBe(111_111);
        // Depth-first: on each worker one path of at most 5 parents with their unfinished siblings (<= 50), plus
        // the parents of subtrees taken by other workers. In the old FIFO order (every queued thread started before
        // any child) 17,000-19,000 were alive at once.
        expect(peak).toBeLessThanOrEqual(workers * 100);
      });
    }, TEST_TIMEOUT);

    it(`on ${workers} worker(s), a thread that keeps yielding gets turns while hand-offs and a tree jump the queue`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        // 100,000 hand-offs each make the partner runnable, which runs next; the tree's children do the same. The
        // yielder, queued behind them, must still run: after at most 1,024 of those, runs stop jumping the queue.
        const turns = (await callWithin(rt, 60, "yielderBeside", 100_000, 4, 10)) as number;
        expect(turns).toBeGreaterThanOrEqual(50);
      });
    }, TEST_TIMEOUT);
  }
});
