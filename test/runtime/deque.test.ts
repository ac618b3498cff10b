// The work-stealing deque (wasm/scheduler/deque.ts) under a direct race: an owner pushes, pops, rotates its newest
// entries to the front (and claims half when full) while thieves on other workers steal back halves into their own
// deques and from each other. Every item must be taken exactly once. Guest: test/guests/deque.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("deque");

describe("work-stealing deque", () => {
  for (const [workers, thieves] of [[4, 3], [8, 7]] as const) {
    it(`${workers} workers: owner pushes/pops 200,000 items while ${thieves} thieves steal; each taken exactly once`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        let stolen = 0, rotations = 0;
        for (let round = 0; round < 5; round++) {
          const n = 200_000;
          const [taken, duplicates, missing, outOfBounds, thiefTakes, , rotated] = (await callWithin(rt, 60, "race", n, thieves, 12345 + round)) as number[];
          expect({ taken, duplicates, missing, outOfBounds }).toEqual({ taken: n, duplicates: 0, missing: 0, outOfBounds: 0 });
          stolen += thiefTakes;
          rotations += rotated;
        }
        expect(stolen).toBeGreaterThan(0); // the thieves really raced the owner
        expect(rotations).toBeGreaterThan(0); // and the owner really moved entries to the front meanwhile
      });
    }, TEST_TIMEOUT);
  }
});
