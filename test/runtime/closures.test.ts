// Capturing closures in guest code (host/toolchain/closures.ts, wasm/closure.ts): what they capture, where the
// runtime takes them, their environments across workers and through the collector. Guest: test/guests/closures.ts.
// The compile errors the transform reports are in test/toolchain/closures.test.ts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TEST_TIMEOUT, callWithin, failureReason, sharedRuntime, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("closures");


for (const workers of [1, 4]) {
  describe(`closures on ${workers} worker(s)`, () => {
    const rt = sharedRuntime(wasm, workers);

    it("the issue's snippet: g.spawn(() => fetchPage(url)) per URL, and g.spawn(() => downloadAndStore(results, url))", async () => {
      // 40 URLs "https://example.com/<i>": 10 of length 21, 30 of length 22; both closures saw every URL once.
      expect(await callWithin(rt(), 60, "snippet", 40)).toBe(10n * 21n + 30n * 22n);
    }, TEST_TIMEOUT);

    it("captures parameters and locals of every kind of value, with the result type inferred", async () => {
      expect(await callWithin(rt(), 60, "kinds", 5, 3)).toBe("10 1.5 5000000036 his5! 18 5");
      expect(await callWithin(rt(), 60, "kinds", 300, -1)).toBe(`600 -0.5 300000002101 his300! 903 44`);
    }, TEST_TIMEOUT);

    it("captures `this` in a method: closures share the object (and a captured Mutex)", async () => {
      expect(await callWithin(rt(), 60, "captureThis", 25)).toBe("25 25 c:25");
    }, TEST_TIMEOUT);

    it("a for loop's variable captured in its body: each iteration's closure has that iteration's value", async () => {
      expect(await callWithin(rt(), 60, "loopVariable", 30)).toBe(BigInt([...Array(30).keys()].reduce((t, i) => t + i * i, 0)));
    }, TEST_TIMEOUT);

    it("nested closures, spawned from a closure, capturing its captures and its own locals", async () => {
      expect(await callWithin(rt(), 60, "nested", 12)).toBe(12n * 1000n + 66n);
    }, TEST_TIMEOUT);

    it("closures as values: stored in an array, passed to the guest's own higher-order function, called", async () => {
      // add = 3: twice(() => add * 10) = 60, then j + add for j = 0, 1, 2: 12.
      expect(await callWithin(rt(), 60, "asValues", 2)).toBe(72);
    }, TEST_TIMEOUT);

    it("spawnBackground, withTimeout (done and timed out), Once.call and onExit take closures", async () => {
      expect(await callWithin(rt(), 60, "apiFunctions", 4)).toBe("5 12 cancelled 4 4");
    }, TEST_TIMEOUT);

    it("spawn(fn, arg) still works beside closures; a non-capturing arrow function needs no argument", async () => {
      expect(await callWithin(rt(), 60, "oldAndPlain", 1)).toBe(11);
    }, TEST_TIMEOUT);

    it("a closure given an argument, or called with another object than itself, fails the thread saying so", async () => {
      expect(await failureReason(rt(), "misuseSpawnArg", 1)).toContain("a capturing closure takes no argument: pass it alone");
      expect(await failureReason(rt(), "misuseDirectCall", 1)).toContain("a capturing closure was called with another object than itself");
    }, TEST_TIMEOUT);

    it("closures keep their captures across parking (and, on 4 workers, across workers)", async () => {
      expect(await callWithin(rt(), 60, "migrate", 200)).toBe(200);
    }, TEST_TIMEOUT);

    it("stress: many closures parking a random number of times each see only their own captures", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 0xffffffff }), async (n, seed) => {
          expect(await callWithin(rt(), 60, "stress", n, seed)).toBe(n);
        }),
        { numRuns: 6 },
      );
    }, 4 * TEST_TIMEOUT);
  });
}

// The collector scans its roots conservatively: a stale word (a dead thread's saved frames, a reused buffer) can
// keep the last structure or two alive for a while, with or without closures (seen on one worker and on JSPI:
// even a root call's plain allocation). So the test holds and releases a structure five times and checks that
// the environments do not accumulate: at most two of the five structures may still be live afterwards.
for (const workers of [1, 4]) {
  it(`closure environments that are the last reference to large structures are collected after their threads end (${workers} worker(s))`, async () => {
    await withRuntime(wasm(), workers, async (rt) => {
      const count = 100_000;
      const rounds = 5;
      for (let round = 0; round < rounds; round++) {
        await callWithin(rt, 60, "startHolding", count);
        await rt.collect();
        // While the background thread waits, its closure holds the array and its objects.
        expect(rt.memoryStats().gc.liveObjectsAfterLast).toBeGreaterThanOrEqual(count);
        await rt.call("release");
        const deadline = Date.now() + 30_000;
        while (rt.schedulerStats().liveThreads > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        expect(rt.schedulerStats().liveThreads).toBe(0);
        expect(await rt.call("seen")).toBe((count / 8) * 28); // the closure read the structure through its capture
      }
      await rt.collect();
      expect(rt.memoryStats().gc.liveObjectsAfterLast).toBeLessThan(2.5 * count); // 5 rounds held 5 x count
    });
  }, TEST_TIMEOUT);
}
