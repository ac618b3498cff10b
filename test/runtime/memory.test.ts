// Thread records and saved stacks go back to the shared allocator when threads end: after many threads have come and
// gone, `memoryStats().heapBytes` is back to (about) where it was. Guest: test/guests/memory.ts.
//
// "About": the runtime here runs with automatic collection off (`gc: false`), so that a collection in the middle of
// a measurement cannot change it; guest objects then stay until `collect()`. Every spawn allocates one guest object,
// the Future that `spawn` returns (48 bytes with its headers). The guest keeps no arrays of futures, so that Future
// (plus one ThreadGroup per call) is all a finished thread may leave behind. A thread record is an 80-byte block, so a leaked record
// pushes the leftover to the 128 bytes per thread that are not allowed here; the third test sees a leaked stack. The last test collects: then nothing at all is left.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, BACKEND, callWithin, until, workersIdle, useGuest, sharedRuntime } from "./helpers.js";

const rt = sharedRuntime(useGuest("memory"), 2, { gc: false });

/** Waits until no thread is alive and every worker is idle (on JSPI, an idle worker has given its spare stacks back). */
const settled = () => until(() => rt().schedulerStats().liveThreads === 0 && workersIdle(rt()), 5, "liveThreads to return to 0 and the workers to idle");
const heap = () => rt().memoryStats().heapBytes;

/**
 * Runs holdAll(n) (or `entry`); returns heapBytes measured while all n holders are parked (holdAll: 4 frames deep,
 * holdAllShallow: at call depth 1; stacks saved).
 */
async function heapWhileParked(n: number, runtime = rt(), entry = "holdAll"): Promise<number> {
  const call = callWithin(runtime, 30, entry, n);
  await until(() => runtime.schedulerStats().runnable === 0, 10, "the run queue to drain");
  for (;;) {
    if ((await runtime.call("heldCount")) === n && runtime.schedulerStats().runnable === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  // A holder counts itself just before it suspends: let the last ones finish unwinding and saving their stacks.
  await new Promise((r) => setTimeout(r, 50));
  const parked = runtime.memoryStats().heapBytes;
  await runtime.call("release");
  expect(await call).toBe(n);
  return parked;
}

const LEFTOVER_BOUND = 128;

describe("thread records and stacks are recycled", () => {
  it("warm-up: the first threads grow the heap's free lists and the timer heap (not measured)", async () => {
    // The timer heap is sized by the most threads ever asleep at once: make that more than any test below has.
    expect(await callWithin(rt(), 30, "sleepAll", 12_000, 200)).toBe(12_000);
    expect(await callWithin(rt(), 30, "spawnDiscard", 2_000)).toBe(2_000);
    await heapWhileParked(2_000);
    await settled();
  }, TEST_TIMEOUT);

  it(`10,000 threads that each suspended 4 frames deep leave less than ${LEFTOVER_BOUND} bytes each on the heap once finished (only their Futures)`, async () => {
    const before = heap();
    expect(await callWithin(rt(), 30, "spawnDiscard", 10_000)).toBe(10_000);
    await settled();
    const perThread = (heap() - before) / 10_000;
    expect(perThread).toBeLessThan(LEFTOVER_BOUND);
    expect(perThread).toBeGreaterThanOrEqual(0);
  }, TEST_TIMEOUT);

  it("while 10,000 threads are parked the heap holds their records and stacks; once they finish, all of that is returned", async () => {
    const before = heap();
    const parked = (await heapWhileParked(10_000)) - before;
    await settled();
    const leftover = heap() - before;
    const parkedPerThread = parked / 10_000;
    const leftoverPerThread = leftover / 10_000;
    expect(leftoverPerThread).toBeLessThan(LEFTOVER_BOUND);
    // Freed per thread at the end: its 80-byte record and a saved stack of 4 frames (a block of 32 bytes or more).
    expect(parkedPerThread - leftoverPerThread).toBeGreaterThanOrEqual(80 + 32);
  }, TEST_TIMEOUT);

  it("the same workload run again costs the same: the leftover per round is constant (no growing leak)", async () => {
    const rounds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = heap();
      await callWithin(rt(), 30, "spawnDiscard", 5_000);
      await settled();
      rounds.push(heap() - before);
    }
    expect(rounds[1]).toBe(rounds[0]);
    expect(rounds[2]).toBe(rounds[0]);
    expect(rounds[0]! / 5_000).toBeLessThan(LEFTOVER_BOUND);
  }, TEST_TIMEOUT);

  it("after a collection, finished threads leave nothing behind: their Futures and groups are freed too", async () => {
    await rt().collect();
    const before = heap();
    expect(await callWithin(rt(), 30, "spawnDiscard", 10_000)).toBe(10_000);
    await settled();
    expect(heap() - before).toBeGreaterThan(10_000 * 32); // the Futures, until collected
    await rt().collect();
    // Nothing per thread (10,000 Futures would be 480,000 bytes). One 48-byte block is tolerated: in about one run of
    // this file in five on Node 24 (CI's LTS run, and locally) exactly 48 bytes stay, and they stay through two more
    // collections and a further call: one block kept or allocated once, not a leak per thread. Its cause is not
    // known yet (closing note of 2026-12-07).
    expect(heap()).toBeLessThanOrEqual(before + 48);
  }, TEST_TIMEOUT);
});

// What a parked thread costs, exactly (issue 15: at most 160 bytes was the target; bench/ parked-bytes measures the
// same). On Asyncify, a thread parked on a future at call depth 1 holds its record (76 bytes: an 80-byte block), its
// saved frames (20 bytes after the word that says where they end: a 32-byte block; the guest function's call index
// and future, Future.get's slow path's call index and future, the wait's call index) and its Future (36 bytes of
// fields after the 8-byte object header: a 48-byte block). A field added to the record, a header word put back on
// saved stacks or on objects, a local that the park path keeps live, shows here as a jump of 16 bytes or more. On
// JSPI the engine keeps the stack, and the thread's shadow stack block is not part of this account.
for (const workers of [1, 4]) {
  describe(`a parked thread's footprint (${workers} worker(s))`, () => {
    const parkRt = sharedRuntime(useGuest("memory"), workers, { gc: false });

    it.skipIf(BACKEND === "jspi")("10,000 threads parked on one future at call depth 1 hold 160 bytes each (record 80 + saved stack 32 + Future 48)", async () => {
      await heapWhileParked(1_000, parkRt(), "holdAllShallow"); // warm-up: the free lists and batches are in place
      await until(() => parkRt().schedulerStats().liveThreads === 0, 5, "every holder to finish");
      const before = parkRt().memoryStats().heapBytes;
      const parked = (await heapWhileParked(10_000, parkRt(), "holdAllShallow")) - before;
      // The gate thread, the root thread and the group are a constant below 1 byte per thread at n = 10,000.
      expect(parked / 10_000).toBeGreaterThanOrEqual(160);
      expect(parked / 10_000).toBeLessThan(161);
    }, TEST_TIMEOUT);
  });
}
