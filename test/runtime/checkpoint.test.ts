// Scheduling is cooperative: a thread that computes without blocking keeps its worker. checkpoint() in a long loop
// lets the threads waiting on the same worker run.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("checkpoint");

describe("checkpoint()", () => {
  it("on one worker, a computing thread that calls checkpoint() lets a waiting thread run; without it, it does not", async () => {
    await withRuntime(wasm(), 1, async (rt) => {
      expect(await callWithin(rt, 30, "crunchBeside", 0)).toBe(0); // cooperative: nothing ran meanwhile
      expect(await callWithin(rt, 30, "crunchBeside", 1)).toBe(100); // every tick happened during the crunch
    });
  }, TEST_TIMEOUT);
});
