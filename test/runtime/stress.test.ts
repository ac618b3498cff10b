// Randomised stress on more workers than cores: thousands of threads yield, sleep, spawn and join sub-groups and wait
// on futures in a pseudo-random but timing-independent order (test/guests/stress.ts). JS replays each seed to know
// the exact checksum and thread count; every thread must run exactly once to completion. A hang (a lost wake-up)
// becomes a failure that prints the scheduler's state.
import { describe, expect, it } from "vitest";
import { BACKEND, TEST_TIMEOUT, callWithin, sum, until, withRuntime, xorshift32, useGuest } from "./helpers.js";

const wasm = useGuest("stress");

const MAX_DEPTH = 3;
const i64 = (x: bigint) => BigInt.asIntN(64, x);

/**
 * Replays `task(depth << 32 | seed)`: its checksum, how many tasks (itself included) it ran, and how many scheduler
 * operations they made (a yield, a sleep, a spawn, a join, a future's get each count one).
 */
function simulateTask(depth: number, seed: number): { acc: bigint; tasks: number; ops: number } {
  let tasks = 1;
  let ops = 0;
  let x = seed >>> 0;
  if (x === 0) x = 0x9e3779b9;
  let acc = BigInt(x);
  x = xorshift32(x);
  const steps = 1 + (x % 6);
  for (let s = 0; s < steps; s++) {
    x = xorshift32(x);
    const r = x % 100;
    if (r < 35) {
      acc = i64(acc * 3n + 1n);
      ops++;
    } else if (r < 55) {
      acc = i64(acc + 7n);
      ops++;
    } else if (r < 70 && depth < MAX_DEPTH) {
      const k = 1 + ((x >>> 8) % 4);
      const seeds: number[] = [];
      for (let i = 0; i < k; i++) seeds.push((x = xorshift32(x)));
      for (const childSeed of seeds) {
        const child = simulateTask(depth + 1, childSeed);
        acc = i64(acc + child.acc);
        tasks += child.tasks;
        ops += child.ops + 2; // its spawn and its future's get
      }
      ops++; // the join
    } else if (r < 80 && depth < MAX_DEPTH) {
      x = xorshift32(x);
      const child = simulateTask(depth + 1, x);
      acc = i64(acc ^ child.acc);
      tasks += child.tasks;
      ops += child.ops + 3; // spawn, get, join
    } else {
      acc = i64(acc * 31n + BigInt(r));
    }
  }
  return { acc, tasks, ops };
}

/** Replays `stress(seed, n)`. */
function simulate(seed: number, n: number): { total: bigint; tasks: number; ops: number } {
  let x = seed === 0 ? 1 : seed >>> 0;
  let total = 0n;
  let tasks = 0;
  let ops = 0;
  for (let i = 0; i < n; i++) {
    x = xorshift32(x);
    const t = simulateTask(0, x);
    total = i64(total + t.acc);
    tasks += t.tasks;
    ops += t.ops + 2; // the root's spawn of it and get of its future
  }
  return { total, tasks, ops };
}

// `npm run test:soak` (VTHREADS_SOAK=1) runs many more seeds on more worker counts; the default stays quick.
const SOAK = process.env.VTHREADS_SOAK === "1";
const N = 1_000;
const BASE_SEEDS = [1, 42, 0xc0ffee, 0x7fffffff, 0xdeadbeef, 2024];
const SEEDS = SOAK ? [...BASE_SEEDS, ...Array.from({ length: 24 }, (_, i) => xorshift32(0x51ed + i))] : BASE_SEEDS;
const WORKER_COUNTS = SOAK ? [3, 4, 8, 16] : [4, 8];

describe("randomised stress", () => {
  it("the JS replay gives thousands of tasks per seed, of every kind of step", () => {
    for (const seed of SEEDS) {
      const { tasks } = simulate(seed, N);
      expect(tasks).toBeGreaterThan(5_000);
    }
    // Different seeds differ.
    expect(simulate(1, N).total).not.toBe(simulate(42, N).total);
  });

  for (const workers of WORKER_COUNTS) {
    it(`${workers} workers on 2 cores: ${SEEDS.length} seeds one after another, then all at once; exact checksums, every task started and finished exactly once`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        let expectedTasks = 0;
        for (const seed of SEEDS) {
          const { total, tasks } = simulate(seed, N);
          const [startsBefore, endsBefore] = (await rt.call("counters")) as number[];
          expect(await callWithin(rt, 60, "stress", seed, N)).toBe(total);
          const [starts, ends] = (await rt.call("counters")) as number[];
          expect({ seed, starts: starts! - startsBefore!, ends: ends! - endsBefore! }).toEqual({ seed, starts: tasks, ends: tasks });
          expectedTasks += tasks;
        }
        // All seeds at once: four root calls share the workers, the run queue and the timer heap.
        const results = await Promise.all(SEEDS.map((seed) => callWithin(rt, 60, "stress", seed, N)));
        expect(results).toEqual(SEEDS.map((seed) => simulate(seed, N).total));
        expectedTasks *= 2;
        expect(await rt.call("counters")).toEqual([expectedTasks, expectedTasks]);

        // Every task, plus the root calls: per seed counters(), stress(), counters(); the concurrent stress() calls;
        // the last counters(). No thread left behind.
        const stats = rt.schedulerStats();
        expect(stats.spawned).toBe(expectedTasks + 3 * SEEDS.length + SEEDS.length + 1);
        await until(() => rt.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
        expect(rt.schedulerStats()).toMatchObject({ runnable: 0, sleeping: 0 });
        // More workers than cores, and still every worker took part and threads moved between them.
        expect(stats.switches.filter((n) => n > 0).length).toBeGreaterThan(1);
        // On JSPI a started thread never leaves the worker that holds its stack.
        if (BACKEND === "asyncify") expect(sum(stats.migrations)).toBeGreaterThan(0);
        else expect(sum(stats.migrations)).toBe(0);
      });
    }, SOAK ? 20 * TEST_TIMEOUT : TEST_TIMEOUT);
  }

  // A million scheduler operations (yields, sleeps, spawns, joins, gets) in one call, on 2, 4 and 8 workers.
  const MILLION_SEED = 0x5eed;
  let millionN = 1_000;
  while (simulate(MILLION_SEED, millionN).ops < 1_000_000) millionN *= 2;
  for (const workers of [2, 4, 8]) {
    // Beyond JSPI's reach: the run holds tens of thousands of threads at once (over jspiStackLimit, 25,000).
    it.runIf(BACKEND === "asyncify")(`${workers} workers: a million random scheduler operations in one call; exact checksum, every task once, nothing left`, async () => {
      const { total, tasks, ops } = simulate(MILLION_SEED, millionN);
      expect(ops).toBeGreaterThanOrEqual(1_000_000);
      await withRuntime(wasm(), workers, async (rt) => {
        expect(await callWithin(rt, 240, "stress", MILLION_SEED, millionN)).toBe(total);
        expect(await rt.call("counters")).toEqual([tasks, tasks]);
        await until(() => rt.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
        const stats = rt.schedulerStats();
        expect(stats).toMatchObject({ runnable: 0, sleeping: 0 });
        expect(sum(stats.steals)).toBeGreaterThan(0);
      });
    }, 5 * TEST_TIMEOUT);
  }
});
