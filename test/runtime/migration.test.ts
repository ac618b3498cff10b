// Threads move between workers: a thread that suspends on one worker may resume on another, and must carry its whole
// stack (locals of every frame) with it. The guest cannot see which worker runs it, so the runtime's own counter
// (`schedulerStats().migrations`) shows that moves happened, and the results show that nothing was lost on the way.
// Guest: test/guests/spawning.ts.
import { describe, expect, it } from "vitest";
import { BACKEND, TEST_TIMEOUT, callWithin, sum, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("spawning", "migration");

const lcg = (x: bigint): bigint => BigInt.asIntN(64, x * 6364136223846793005n + 1442695040888963407n);

/** What `migrant` computes for (seed, rounds), as in test/guests/spawning.ts. */
function expectedMigrant(seed: number, rounds: number): bigint {
  const s = BigInt(seed);
  let acc = s;
  let f = Number(s & 0xffffn);
  for (let i = 0; i < rounds; i++) {
    acc = lcg(acc);
    f = f * 0.5 + i;
  }
  const inner = acc ^ BigInt(Math.trunc(f));
  const middle = BigInt.asIntN(64, inner + lcg(s ^ 0x5555n));
  return BigInt.asIntN(64, middle + BigInt(Math.trunc(seed * 1.25 * 4)));
}

function expectedMigrate(threads: number, rounds: number): bigint {
  let total = 0n;
  for (let i = 1; i <= threads; i++) total = BigInt.asIntN(64, total + expectedMigrant(i, rounds));
  return total;
}

// Asyncify only: a JSPI stack stays on the worker that created it (the stress test checks that none migrates there).
describe.runIf(BACKEND === "asyncify")("migration between workers", () => {
  it("on 4 workers, 32 threads suspending 200 times each (yields and 1 ms sleeps) migrate, and their 3 frames of locals arrive intact", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const before = sum(rt.schedulerStats().migrations);
      expect(await callWithin(rt, 30, "migrate", 32, 200)).toBe(expectedMigrate(32, 200));
      const stats = rt.schedulerStats();
      expect(sum(stats.migrations) - before).toBeGreaterThan(0);
      // More than one worker ran threads.
      expect(stats.switches.filter((n) => n > 0).length).toBeGreaterThan(1);
    });
  }, TEST_TIMEOUT);

  it("on 4 workers, 8 root calls whose own threads migrate return the exact per-seed values", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const before = sum(rt.schedulerStats().migrations);
      const seeds = [3, 17, 99, 1000, 65_535, 123_456, 7, 2 ** 31 - 1];
      const results = await Promise.all(seeds.map((s) => callWithin(rt, 30, "migrateRoot", s, 150)));
      expect(results).toEqual(seeds.map((s) => expectedMigrant(s, 150)));
      expect(sum(rt.schedulerStats().migrations) - before).toBeGreaterThan(0);
    });
  }, TEST_TIMEOUT);

  it("on 1 worker nothing migrates (the counter counts real moves) and the results are the same", async () => {
    await withRuntime(wasm(), 1, async (rt) => {
      expect(await callWithin(rt, 30, "migrate", 32, 200)).toBe(expectedMigrate(32, 200));
      expect(rt.schedulerStats().migrations).toEqual([0]);
    });
  }, TEST_TIMEOUT);

  it("the JS model of a migrant is not trivial (different seeds and rounds give different values)", () => {
    expect(expectedMigrant(1, 200)).not.toBe(expectedMigrant(2, 200));
    expect(expectedMigrant(1, 200)).not.toBe(expectedMigrant(1, 199));
  });
});
