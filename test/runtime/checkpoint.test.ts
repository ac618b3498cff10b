// Scheduling is cooperative: a thread that computes without blocking keeps its worker. checkpoint() in a long loop
// lets the threads waiting on the same worker run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_TIMEOUT, buildGuest, callWithin, closeAll, withRuntime } from "./helpers.js";

let wasm: string;
beforeAll(async () => {
  wasm = await buildGuest("checkpoint");
}, 60_000);
afterAll(closeAll);

describe("checkpoint()", () => {
  it("on one worker, a computing thread that calls checkpoint() lets a waiting thread run; without it, it does not", async () => {
    await withRuntime(wasm, 1, async (rt) => {
      expect(await callWithin(rt, 30, "crunchBeside", 0)).toBe(0); // cooperative: nothing ran meanwhile
      expect(await callWithin(rt, 30, "crunchBeside", 1)).toBe(100); // every tick happened during the crunch
    });
  }, TEST_TIMEOUT);
});
