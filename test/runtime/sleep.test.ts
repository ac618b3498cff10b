// sleep(ms): a thread sleeps at least `ms` by the shared clock (never asserted against a tight upper bound: the
// machine may be slow), every sleeper wakes, and a sleeping thread never holds up its worker.
// Guest: test/guests/sleeping.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, rejectionOf, start, stop, until, withRuntime, xorshift32, useGuest } from "./helpers.js";

const wasm = useGuest("sleeping");

/** The durations sleepMany(n, seed, maxMs) draws (same xorshift as the guest). */
function durations(n: number, seed: number, maxMs: number): number[] {
  const out: number[] = [];
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = xorshift32(x);
    out.push(x % (maxMs + 1));
  }
  return out;
}

describe("sleep", () => {
  for (const workers of [1, 4]) {
    it(`sleep(30) on ${workers} worker(s) takes at least 30 ms, by the host's clock and by the guest's, and less than 5 s`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const t0 = performance.now();
        const slept = (await callWithin(rt, 20, "sleepFor", 30)) as number;
        const wall = performance.now() - t0;
        expect(slept).toBeGreaterThanOrEqual(30);
        expect(wall).toBeGreaterThanOrEqual(30);
        expect(wall).toBeLessThan(5_000);
      });
    }, TEST_TIMEOUT);
  }

  it("20 root calls sleeping 30 ms at once on 4 workers each sleep at least 30 ms (whichever worker wakes them)", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const slept = (await Promise.all(Array.from({ length: 20 }, () => callWithin(rt, 20, "sleepFor", 30)))) as number[];
      for (const s of slept) expect(s).toBeGreaterThanOrEqual(30);
    });
  }, TEST_TIMEOUT);

  it("while a lone thread sleeps, the runtime shows it on the timer heap (sleeping 1, runnable 0), and it still wakes with every worker idle", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const call = callWithin(rt, 20, "sleepFor", 300);
      await until(() => rt.schedulerStats().sleeping === 1, 5, "the thread to be on the timer heap");
      expect(rt.schedulerStats()).toMatchObject({ sleeping: 1, runnable: 0, liveThreads: 1 });
      expect(await call).toBeGreaterThanOrEqual(300);
      expect(rt.schedulerStats().sleeping).toBe(0);
    });
  }, TEST_TIMEOUT);

  for (const workers of [1, 4]) {
    it(`200 threads sleeping pseudo-random 0..50 ms on ${workers} worker(s) all wake, none early`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        for (const seed of [1, 0xdeadbeef]) {
          const [woke, early, total, least] = (await callWithin(rt, 20, "sleepMany", 200, seed, 50)) as number[];
          expect(woke).toBe(200);
          expect(early).toBe(0);
          expect(total).toBe(durations(200, seed, 50).reduce((a, b) => a + b, 0));
          expect(least).toBeGreaterThanOrEqual(0);
        }
        expect(rt.schedulerStats().sleeping).toBe(0);
      });
    }, TEST_TIMEOUT);
  }

  for (const workers of [1, 4]) {
    it(`a thread sleeping 200 ms does not block its worker (${workers} worker(s)): 10 threads × 100 yields all finish while it sleeps`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const t0 = performance.now();
        const seq = (await callWithin(rt, 20, "sleepWhileOthersRun", 200, 10, 100)) as number[];
        const wall = performance.now() - t0;
        const [sleeperStart, sleeperWake, ...busy] = seq;
        // Events are numbered 0, 1, 2, ... in the order they happened: the sleeper went to sleep first (0), every busy
        // thread finished next (1..10, in some order), and the sleeper woke last (11).
        expect(sleeperStart).toBe(0);
        expect([...busy].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(sleeperWake).toBe(11);
        expect(wall).toBeGreaterThanOrEqual(200);
      });
    }, TEST_TIMEOUT);
  }

  // The scheduler reads the clock (due timers, end of slice) at an interval that adapts to how long switches take
  // (wasm/driver/loop.ts). With a fixed interval of 64 switches, a sleep(10) beside two threads that compute 5 ms
  // per turn lasted 64 turns (~320 ms). Counted in turns, not wall time, so load cannot skew it.
  it("a due sleeper wakes within a few turns of threads that compute 5 ms between yields, not 64 turns later (1 worker)", async () => {
    await withRuntime(wasm(), 1, async (rt) => {
      const turnsDuringSleep = (await callWithin(rt, 30, "sleepBesideCrunchers", 2, 5, 10)) as number;
      expect(turnsDuringSleep).toBeGreaterThanOrEqual(1);
      expect(turnsDuringSleep).toBeLessThan(16);
    });
  }, TEST_TIMEOUT);

  it("sleep(0) returns (a scheduling point, not a hang): 1,000 in a row", async () => {
    await withRuntime(wasm(), 1, async (rt) => {
      expect(await callWithin(rt, 20, "sleepZero", 1000)).toBe(1000);
    });
  }, TEST_TIMEOUT);

  it("the tests' hang detector: a call that cannot finish in time fails with the scheduler's state, and the runtime is still torn down", async () => {
    const rt = await start(wasm(), 2);
    const err = await rejectionOf(callWithin(rt, 0.5, "sleepFor", 600_000), 10);
    expect(err.message).toMatch(/^call sleepFor\(600000\) did not finish within 0\.5 s; scheduler: \{.*"sleeping":1.*\}, memory: \{/);
    const t0 = performance.now();
    await stop(rt, 1_000); // close() would wait for the sleeping call: stop() terminates the workers after 1 s
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, TEST_TIMEOUT);

  it("the JS replay of the guest's durations spreads over 0..50", () => {
    const d = durations(200, 1, 50);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d)).toBeLessThanOrEqual(50);
    expect(new Set(d).size).toBeGreaterThan(20);
  });
});
