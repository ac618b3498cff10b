// The work-stealing deque (wasm/scheduler/deque.ts). Under a direct race: an owner pushes at both ends, pops, puts a
// run's entries back in order, takes one from behind the front (and claims the back half when full) while thieves
// on other workers steal back halves into their own deques and from each other; every item must be taken exactly
// once. Alone, driven by random scripts against a model: every operation gives what the model says, in its order.
// Guest: test/guests/deque.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("deque");
const CAP = 512;

describe("work-stealing deque", () => {
  for (const [workers, thieves] of [[4, 3], [8, 7]] as const) {
    it(`${workers} workers: owner pushes/pops 200,000 items while ${thieves} thieves steal; each taken exactly once`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        let stolen = 0, reversed = 0;
        for (let round = 0; round < 5; round++) {
          const n = 200_000;
          const [taken, duplicates, missing, outOfBounds, thiefTakes, , inOrder] = (await callWithin(rt, 60, "race", n, thieves, 12345 + round)) as number[];
          expect({ taken, duplicates, missing, outOfBounds }).toEqual({ taken: n, duplicates: 0, missing: 0, outOfBounds: 0 });
          stolen += thiefTakes;
          reversed += inOrder;
        }
        expect(stolen).toBeGreaterThan(0); // the thieves really raced the owner
        expect(reversed).toBeGreaterThan(0); // and the owner really reordered its front meanwhile
      });
    }, TEST_TIMEOUT);
  }

  /** What each script op must give (see `script` in the guest), on an array with the front at index 0. */
  function model(ops: [number, number][]): { out: number[]; full: number } {
    const q: number[] = [];
    const out: number[] = [];
    let full = 0; // pushes refused by a full ring
    for (const [code, x] of ops) {
      if (code < 2 && q.length >= CAP) full++;
      if (code === 0) out.push(q.length < CAP ? (q.unshift(x), 1) : 0);
      else if (code === 1) out.push(q.length < CAP ? (q.push(x), 1) : 0);
      else if (code === 2) out.push(q.shift() ?? 0);
      else if (code === 3) out.push(q.length === 0 ? x : q.length >= CAP ? 0 : (q.push(x), q.shift()!));
      else if (code === 4) {
        const m = Math.min(x, q.length);
        q.splice(0, m, ...q.slice(0, m).reverse());
        out.push(m);
      } else if (code === 6) {
        out.push(x < q.length ? q.splice(x, 1)[0] : 0);
      } else {
        const k = q.length >> 1;
        out.push(k, ...q.splice(q.length - k, k));
      }
      out.push(q.length);
    }
    return { out, full };
  }

  const item = fc.integer({ min: 1, max: 1_000_000 });
  /** Ops drawn with these weights: [push front, push back, pop, swap, reverse, claim, take at]. */
  const ops = (w: number[], minLength: number) => fc.array(fc.oneof(
    { arbitrary: fc.tuple(fc.constant(0), item), weight: w[0] },
    { arbitrary: fc.tuple(fc.constant(1), item), weight: w[1] },
    { arbitrary: fc.tuple(fc.constant(2), fc.constant(0)), weight: w[2] },
    { arbitrary: fc.tuple(fc.constant(3), item), weight: w[3] },
    { arbitrary: fc.tuple(fc.constant(4), fc.integer({ min: 0, max: 40 })), weight: w[4] },
    { arbitrary: fc.tuple(fc.constant(5), fc.constant(0)), weight: w[5] },
    { arbitrary: fc.tuple(fc.constant(6), fc.integer({ min: 0, max: 40 })), weight: w[6] },
  ), { minLength, maxLength: 1500, size: "max" });
  // Mixed scripts stay short; filling ones (mostly pushes, no claims until the ring is full) reach the ring's end.
  const script = fc.oneof(ops([6, 6, 4, 2, 2, 1, 1], 1), fc.tuple(ops([10, 10, 2, 1, 1, 0, 1], 1200), ops([2, 2, 2, 2, 1, 1, 1], 1)).map(([a, b]) => [...a, ...b]));

  for (const workers of [1, 4]) {
    it(`on ${workers} worker(s), alone it keeps the order a model says: both ends, swap, reversal, take-at, full ring, back-half claim (fast-check)`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        let full = 0;
        await fc.assert(fc.asyncProperty(script, async (ops) => {
          const expected = model(ops);
          expect(await rt.call("script", ops.flat())).toEqual(expected.out);
          full += expected.full;
        }), { numRuns: 60 });
        expect(full).toBeGreaterThan(0); // the scripts reached a full ring
      });
    }, TEST_TIMEOUT);
  }
});
