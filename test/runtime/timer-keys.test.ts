// The timer heap's keys (wasm/scheduler/timers.ts), property-based (fast-check). The heap is scanned conservatively
// for its targets, so a deadline is stored as a key of which no 32-bit word can be a heap address (every heap
// address is below 2^31): ticks of 2^-12 ms split 31 + 31 bits, each word's top bit set. The key must order like the
// deadline (the heap's order is the firing order), and stand for a deadline never earlier than the one asked for
// (a timer never fires early) and at most one tick later. Guest: test/guests/timer-keys.ts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TEST_TIMEOUT, sharedRuntime, useGuest } from "./helpers.js";

const TICK = 2 ** -12; // ms
const LAST = 1e15; // ms: later deadlines all get the last key (2^62 ticks are 1.126e15 ms), still never early
const NOW = Date.now();
/** Deadlines as the runtime makes them (epoch ms, now to years ahead), small ones, and any non-negative double. */
const deadline = fc.oneof(
  fc.double({ min: NOW, max: NOW + 1e11, noNaN: true }),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.double({ min: 0, max: 2 ** 50, noNaN: true }),
  fc.constantFrom(0, TICK, NOW, Infinity, Number.MAX_VALUE),
);

for (const workers of [1, 4]) {
  describe(`timer heap keys (${workers} worker(s))`, () => {
    const rt = sharedRuntime(useGuest("timer-keys"), workers);
    const key = async (d: number) => (await rt().call("timerKey", d)) as [number, number, number];
    /** -1, 0 or 1 as key a orders before, with or after key b (high word first). */
    const order = (a: [number, number, number], b: [number, number, number]) =>
      Math.sign(a[1] - b[1]) || Math.sign(a[0] - b[0]);

    it("no word of a key is below 2^31, whatever the deadline (NaN, Infinity and negative ones too)", async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(deadline, fc.double(), fc.constantFrom(NaN, -Infinity, -1)), async (d) => {
        const [low, high] = await key(d);
        expect(low).toBeGreaterThanOrEqual(2 ** 31);
        expect(high).toBeGreaterThanOrEqual(2 ** 31);
      }), { numRuns: 300 });
    }, TEST_TIMEOUT);

    it("a key stands for the deadline rounded up to the next tick: never earlier, less than one tick later (up to 1e15 ms, 31,000 years)", async () => {
      await fc.assert(fc.asyncProperty(fc.double({ min: 0, max: LAST, noNaN: true }), async (d) => {
        const [, , back] = await key(d);
        expect(back).toBeGreaterThanOrEqual(d);
        expect(back - d).toBeLessThanOrEqual(TICK); // less than a tick; the subtraction may round up to one
        expect(Number.isInteger(back / TICK)).toBe(true);
      }), { numRuns: 300 });
      expect((await key(NOW))[2]).toBe(NOW); // an epoch-ms reading is a whole number of ticks: exact
      expect((await key(Infinity))[2]).toBeGreaterThan(LAST); // the last key
    }, TEST_TIMEOUT);

    it("keys order like their deadlines (ties only within one tick)", async () => {
      await fc.assert(fc.asyncProperty(deadline, deadline, async (a, b) => {
        const ka = await key(a), kb = await key(b);
        const o = order(ka, kb);
        if (a < b) expect(o).toBeLessThanOrEqual(0);
        if (a > b) expect(o).toBeGreaterThanOrEqual(0);
        if (o === 0 && Number.isFinite(a) && Number.isFinite(b) && Math.max(a, b) <= LAST) expect(Math.abs(a - b)).toBeLessThanOrEqual(TICK);
        if (o < 0) expect(a).toBeLessThan(b);
      }), { numRuns: 300 });
      // Neighbours one tick apart at today's epoch stay apart.
      expect(order(await key(NOW), await key(NOW + TICK))).toBe(-1);
    }, TEST_TIMEOUT);
  });
}
