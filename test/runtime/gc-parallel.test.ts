// The parallel collector: every worker stopped at a safepoint marks and sweeps with the collector. Threads build,
// park on and drop object graphs while collections run on 1, 4 and 8 workers, and every structure still reachable
// must be intact; the statistics must count exactly what the guest keeps. Guest: test/guests/gc-parallel.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../dist/host/index.js";
import { TEST_TIMEOUT, callWithin, useGuest, withRuntime } from "./helpers.js";

const wasm = useGuest("gc-parallel");

describe("parallel collection under churn", () => {
  for (const workers of [1, 4, 8]) {
    it(`64 threads build, park on and drop trees, lists and maps of arrays while collections run: every kept structure is intact (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const before = rt.memoryStats().gc;
        // Two calls at once with different seeds: their threads interleave on every worker.
        const results = await Promise.all([
          callWithin(rt, 240, "churnGraphs", 64, 30, 4, 1),
          callWithin(rt, 240, "churnGraphs", 64, 30, 4, 2),
        ]);
        expect(results).toEqual([0, 0]);
        const after = rt.memoryStats().gc;
        expect(after.collections - before.collections).toBeGreaterThanOrEqual(5);
        expect(after.skipped).toBe(0);
        if (workers === 1) expect(after.helpers).toBe(0); // nobody to help
        else expect(after.helpers).toBeGreaterThan(0); // busy workers stop at a safepoint and mark with the collector
      });
    }, TEST_TIMEOUT * 4);
  }
});

/** A random directed graph: node payload sizes (some above 16 KiB: whole-page blocks), edges, and roots. */
const graph = fc
  .integer({ min: 1, max: 150 })
  .chain((n) =>
    fc.record({
      sizes: fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 64 }) }, { weight: 1, arbitrary: fc.integer({ min: 4000, max: 20_000 }) }), { minLength: n, maxLength: n }),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
      roots: fc.array(fc.nat(n - 1), { maxLength: 4 }),
    }),
  );

/** What the guest's fold must give: over the nodes reachable from the roots, id * 1000003 + its payload's sum. */
function expectedFold(g: { sizes: number[]; edges: [number, number][]; roots: number[] }): bigint {
  const children = g.sizes.map(() => [] as number[]);
  for (const [a, b] of g.edges) children[a]!.push(b);
  const seen = new Set<number>();
  const stack = [...g.roots];
  let fold = 0n;
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const size = g.sizes[v]!;
    const sum = BigInt(v * 31 * size + (size * (size - 1)) / 2);
    fold += BigInt(v) * 1000003n + sum;
    stack.push(...children[v]!);
  }
  return fold;
}

async function holdThroughCollections(rt: Runtime, g: { sizes: number[]; edges: [number, number][]; roots: number[] }): Promise<bigint> {
  await rt.call("resetGraph");
  const held = callWithin(rt, 120, "holdGraph", Int32Array.from(g.sizes), Int32Array.from(g.edges.flat()), Int32Array.from(g.roots));
  const readyBy = Date.now() + 60_000;
  while ((await rt.call("graphReady")) !== 1) {
    if (Date.now() > readyBy) throw new Error("holdGraph never got ready");
    await new Promise((r) => setTimeout(r, 1));
  }
  // Garbage from other threads (so workers are busy and stop at safepoints) and two forced collections.
  const churn = callWithin(rt, 120, "churnGraphs", 8, 3, 2, g.sizes.length);
  await rt.collect();
  await rt.collect();
  expect(await churn).toBe(0);
  await rt.call("releaseGraph");
  return (await held) as bigint;
}

describe("random graphs survive parallel collections", () => {
  for (const workers of [1, 4]) {
    it(`whatever the shape, every node reachable from the kept roots is intact after collections (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        await fc.assert(
          fc.asyncProperty(graph, async (g) => {
            expect(await holdThroughCollections(rt, g)).toBe(expectedFold(g));
          }),
          { numRuns: 12 },
        );
      });
    }, TEST_TIMEOUT * 4);
  }
});

describe("statistics of a parallel collection", () => {
  for (const workers of [1, 4]) {
    it(`live objects after a collection grow by exactly the objects the guest added; the table stays intact (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        await rt.call("makeTable", 30_000);
        const live: number[] = [];
        const collections: number[] = [];
        for (let step = 0; step <= 3; step++) {
          if (step > 0) await rt.call("fillTable", (step - 1) * 10_000, step * 10_000);
          await rt.collect();
          live.push(rt.memoryStats().gc.liveObjectsAfterLast);
          collections.push(rt.memoryStats().gc.collections);
        }
        expect([live[1]! - live[0]!, live[2]! - live[1]!, live[3]! - live[2]!]).toEqual([10_000, 10_000, 10_000]);
        expect(collections[3]! - collections[0]!).toBe(3);
        expect(await rt.call("checkTable", 30_000)).toBe(30_000);
      });
    }, TEST_TIMEOUT);
  }
});
