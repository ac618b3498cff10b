// Running out of shared memory fails the allocating thread with a clear message; the worker, the heap and the
// runtime keep working (a failed allocation must not use up the rest of the memory).
import { describe, expect, it } from "vitest";
import type { ThreadFailure } from "../../dist/host/index.js";
import { TEST_TIMEOUT, callWithin, rejectionOf, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("hog");

describe("out of memory", () => {
  for (const workers of [1, 4]) {
    it(`an allocation past the memory's maximum fails only its thread; later allocations succeed (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const failure = (await rejectionOf(rt.call("hog", 1500))) as ThreadFailure;
        expect(failure.name).toBe("ThreadFailure");
        expect(failure.reason).toMatch(/out of memory/);
        expect(await callWithin(rt, 20, "small", 1000)).toBe(1000);
        // Memory that does fit is still handed out: a failed request did not use up the bump region.
        expect(await callWithin(rt, 20, "hog", 64)).toBeGreaterThanOrEqual(0);
        expect(rt.memoryStats().heapReserved).toBeLessThanOrEqual(rt.memoryStats().memoryBytes);
      });
    }, TEST_TIMEOUT);
  }
});
