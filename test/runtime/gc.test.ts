// The garbage collector: bounded heaps, live data in saved stacks at depth, in globals and in futures, out of memory
// survived, and values crossing the host boundary kept alive while collections run. Guest: test/guests/gc.ts.
// The churn test (10M allocations on 4 workers) is gc-churn.test.ts.
import { describe, expect, it } from "vitest";
import type { ThreadFailure } from "../../dist/host/index.js";
import { TEST_TIMEOUT, callWithin, rejectionOf, start, stop, until, withRuntime, workersIdle, useGuest } from "./helpers.js";

const wasm = useGuest("gc");

const MiB = 1 << 20;

describe("garbage collection", () => {
  it("a long loop that never parks, only calls checkpoint(), is collected: its heap stays bounded", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const reserved: number[] = [];
      for (let round = 0; round < 4; round++) {
        // 500,000 iterations x 6+ allocations: ~3 million objects per round, one structure kept throughout.
        const result = (await callWithin(rt, 120, "loop", 500_000, round + 1)) as number;
        expect(result).toBeGreaterThanOrEqual(0); // negative: the kept structure was corrupted
        reserved.push(rt.memoryStats().heapReserved);
      }
      const { gc } = rt.memoryStats();
      expect(gc.collections).toBeGreaterThan(4);
      // Bounded: later rounds take no more pages than the first (collections every 32 MiB of allocation; measured
      // 38 MiB reserved).
      expect(Math.max(...reserved)).toBeLessThan(64 * MiB);
      expect(reserved[3]).toBeLessThanOrEqual(reserved[0]! + 2 * MiB);
    });
  }, TEST_TIMEOUT);

  for (const workers of [1, 4]) {
    it(`threads parked 100 frames deep with live data in every frame survive collections (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const before = rt.memoryStats().gc.collections;
        expect(await callWithin(rt, 120, "deepStacks", 50, 100, 3)).toBe(0);
        expect(rt.memoryStats().gc.collections).toBeGreaterThan(before);
      });
    }, TEST_TIMEOUT);
  }

  it("collections while threads are parked deep down, forced from the host", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const call = callWithin(rt, 120, "deepStacks", 20, 200, 4);
      for (let i = 0; i < 5; i++) await rt.collect();
      expect(await call).toBe(0);
    });
  }, TEST_TIMEOUT);

  for (const workers of [1, 4]) it(`no collection before 32 MiB of guest objects, then collections as allocation goes on (${workers} worker(s))`, async () => {
    await withRuntime(wasm(), workers, async (rt) => {
      // makeGarbage allocates ~300 bytes per step (two strings, two arrays with their buffers, a typed array, a Rec).
      await rt.call("makeGarbage", 40_000, 3); // ~12 MB: under the floor (it collected at 8 MiB before issue 15)
      expect(rt.memoryStats().gc.collections).toBe(0);
      await rt.call("makeGarbage", 400_000, 4); // ~120 MB more
      expect(rt.memoryStats().gc.collections).toBeGreaterThan(0);
    });
  }, TEST_TIMEOUT);

  for (const workers of [1, 4]) it(`an object referenced only from a module-level variable survives; collect() frees what nothing references (${workers} worker(s))`, async () => {
    await withRuntime(wasm(), workers, async (rt) => {
      expect(await rt.call("keepInGlobal", 5)).toBe(1);
      await rt.call("makeGarbage", 200_000, 6);
      await rt.collect();
      await rt.collect();
      expect(await rt.call("checkGlobal")).toBe(1);
      const { gc } = rt.memoryStats();
      expect(gc.liveObjectsAfterLast).toBeGreaterThanOrEqual(20 * 5);
      expect(gc.liveObjectsAfterLast).toBeLessThan(1_000);
    });
  }, TEST_TIMEOUT);

  // The collector scans raw blocks conservatively. A timer's deadline is an f64 whose low word is the wall clock in
  // units of 2^-12 ms: it sweeps through every address once per 2^20 ms (17.5 minutes). While the timer heap held
  // deadlines as f64s, for a few seconds of every such cycle each deadline, and each stale entry past the heap's
  // end, kept whatever it pointed into alive (memory.test's "nothing left after a collection" failed in CI that way).
  for (const workers of [1, 4]) it(`a sleeper's deadline is not a pointer: what its bits point into is collected, while it sleeps and after (${workers} worker(s))`, async () => {
    const rt = await start(wasm(), workers, { gc: false });
    const BYTES = 8_192; // a small object (under 16 KiB), aimed at its middle: +-1 ms between aiming and sleeping
    const aimedSleep = async (bytes: number, whileAsleep: () => Promise<void> = async () => {}) => {
      const abort = new AbortController();
      const call = rt.callWith("sleepAimedAtGarbage", [bytes], { signal: abort.signal });
      await until(() => rt.schedulerStats().sleeping === 1, 10, "the sleeper to sleep");
      await whileAsleep();
      abort.abort();
      await expect(call).rejects.toThrow(/cancelled/);
    };
    // Measured with the workers idle: on JSPI a worker gives its spare shadow stack back when it idles.
    const heapWhenIdle = async () => {
      await until(() => workersIdle(rt), 5, "the workers to idle");
      return rt.memoryStats().heapBytes;
    };
    try {
      await aimedSleep(0); // warm-up (the timer heap, the free lists), aimed at no address
      await rt.collect();
      const before = await heapWhenIdle();
      // What a sleeper itself holds: its record, saved stack (a 16 KiB shadow stack on JSPI) and frame.
      let own = 0;
      await aimedSleep(0, async () => {
        await rt.collect();
        own = rt.memoryStats().heapBytes - before;
      });
      await aimedSleep(BYTES, async () => {
        await rt.collect();
        // The buffer alone is 8 KiB (a 10 KiB block).
        expect(rt.memoryStats().heapBytes - before - own).toBeLessThan(BYTES / 4);
      });
      await aimedSleep(BYTES); // cancelled: its entry is taken out, and nothing of it is left past the heap's end
      await rt.collect();
      expect((await heapWhenIdle()) - before).toBeLessThanOrEqual(0);
    } finally {
      await stop(rt);
    }
  }, TEST_TIMEOUT);

  it("Runtime.start checks the gc option; collect() after close() rejects", async () => {
    await expect(start(wasm(), 1, { gc: "no" as unknown as boolean })).rejects.toThrow(/gc must be a boolean, got the string "no"/);
    const rt = await start(wasm(), 1, { gc: false });
    expect(rt.memoryStats().gc.enabled).toBe(false);
    await rt.call("makeGarbage", 200_000, 7); // ~60 MB, past the 32 MiB trigger: nothing collects on its own
    expect(rt.memoryStats().gc.collections).toBe(0);
    await rt.collect(); // but on demand it does
    expect(rt.memoryStats().gc.collections).toBe(1);
    await stop(rt);
    await expect(rt.collect()).rejects.toThrow(/runtime is closed/);
  }, TEST_TIMEOUT);

  it("Runtime.collect() runs a collection even when every worker is idle", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      await new Promise((r) => setTimeout(r, 50));
      const before = rt.memoryStats().gc.collections;
      await rt.collect();
      expect(rt.memoryStats().gc.collections).toBeGreaterThan(before);
    });
  }, TEST_TIMEOUT);
});

describe("out of memory with a collector", () => {
  it("a thread that keeps everything fails with out of memory; its garbage is collected and the runtime carries on", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const failure = (await rejectionOf(rt.call("exhaust"), 120)) as ThreadFailure;
      expect(failure.name).toBe("ThreadFailure");
      expect(failure.reason).toMatch(/out of memory/);
      // Its arrays are garbage now: after collections, a call that needs 1 GiB gets it. Two collections: the roots
      // are conservative, and once in a full CI run (2026-12-06) a single one right after the failure left the arrays
      // alive (a stale word; see the closing note of that session), which a second one, after other work, does not.
      await rt.collect();
      expect(await callWithin(rt, 60, "churn", 20, 20, 8)).toBe(0);
      await rt.collect();
      expect(await callWithin(rt, 120, "allocateMb", 1024)).toBe(64);
      expect(await callWithin(rt, 60, "churn", 100, 20, 9)).toBe(0);
    });
  }, 300_000);

  it("a child that runs out of memory fails its group like any failure", async () => {
    await withRuntime(wasm(), 2, async (rt) => {
      const failure = (await rejectionOf(rt.call("exhaustInGroup"), 120)) as ThreadFailure;
      expect(failure.reason).toMatch(/thread \d+ failed: out of memory/);
      await rt.collect();
      expect(await callWithin(rt, 60, "churn", 100, 20, 10)).toBe(0);
    });
  }, 300_000);
});

describe("values crossing the host boundary", () => {
  it("arguments and results stay alive while collections run on other workers", async () => {
    const rt = await start(wasm(), 3);
    try {
      const churn = callWithin(rt, 240, "churn", 500, 40, 11);
      const calls: Promise<unknown>[] = [];
      const expected: string[] = [];
      for (let i = 0; i < 40; i++) {
        const parts = Array.from({ length: 50 }, (_, k) => `p${i}-${k}`);
        const nums = Int32Array.from({ length: 20 }, (_, k) => i * 100 + k);
        calls.push(callWithin(rt, 240, "echo", `s${i}`, parts, nums, 20));
        expected.push(`s${i}:${parts.join(",")}:${Array.from(nums, (n) => `${n};`).join("")}`);
      }
      expect(await Promise.all(calls)).toEqual(expected);
      expect(await churn).toBe(0);
      expect(rt.memoryStats().gc.collections).toBeGreaterThan(0);
      expect(rt.memoryStats().gc.pinned).toBe(1); // only the default group (pinned at boot): no argument or result
    } finally {
      await stop(rt);
    }
  }, 300_000);
});
