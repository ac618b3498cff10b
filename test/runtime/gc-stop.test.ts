// A collection stops every worker at its next scheduling point. A thread that spawns in a loop and never blocks has
// none, so every spawn is one while a collection is pending (wasm/scheduler/api.ts, collectionPoint): the thread
// stops, the collection runs, and the thread runs again first. Before, the collector (and every worker already
// stopped for it) waited for the loop to end: 150-380 ms with a million spawns. Guest: test/guests/gc-stop.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("gc-stop");

describe("a pending collection and a spawning loop", () => {
  for (const workers of [1, 4]) {
    it(`on ${workers} worker(s), a collection requested before a loop of 200,000 spawns completes during the loop`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        for (let round = 0; round < 3; round++) {
          const before = rt.memoryStats().gc.collections;
          const [seenAt, early] = (await callWithin(rt, 60, "spawnThroughCollection", 200_000)) as number[];
          // -1 when the collection waited for the loop to end. A collection takes a few pauses, each asked for by
          // the spawner's allocations (one per 16 KiB): a few thousand spawns.
          expect(seenAt).toBeGreaterThanOrEqual(0);
          expect(seenAt).toBeLessThan(200_000);
          expect(rt.memoryStats().gc.collections).toBeGreaterThan(before);
          // Stopped for the collection, the spawner runs again first: on one worker no child starts before its loop
          // ends (they would if it went to the back of the queue, as a yield does).
          if (workers === 1) expect(early).toBe(0);
        }
      });
    }, TEST_TIMEOUT);
  }
});
