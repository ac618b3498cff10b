// The blocking primitives: Mutex<T>, Semaphore, Channel<T>, Event, WaitGroup, Once. Each suspends the virtual
// thread, works across workers, and fails misuse with a message that names the problem.
// Guest: test/guests/sync.ts. Stress runs use a fresh random seed per run (printed on failure).
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, sharedRuntime, failureReason, callWithin, start, stop, useGuest, collectDuring } from "./helpers.js";

const wasm = useGuest("sync");

const seed = () => (Math.random() * 0xffff_fff0) >>> 0 || 1;


for (const workers of [1, 4]) {
  describe(`primitives on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("Mutex<Counter>: 200 threads x 50 increments with random yields inside the lock lose no update, never overlap", async () => {
      for (let run = 0; run < 3; run++) {
        const s = seed();
        expect(await callWithin(runtime(), 30, "mutexCounter", 200, 50, s), `seed ${s}`).toBe(10_000n);
      }
    }, TEST_TIMEOUT);

    it("Semaphore(5): 300 threads never exceed 5 inside, all finish, and every permit is back", async () => {
      const s = seed();
      const r = Number(await callWithin(runtime(), 30, "semaphoreGauge", 300, 5, s));
      const max = Math.floor(r / 1_000_000), done = Math.floor((r % 1_000_000) / 10), balanced = r % 10;
      expect({ max: max <= 5 && max >= 1, done, balanced }, `seed ${s}`).toEqual({ max: true, done: 300, balanced: 1 });
    }, TEST_TIMEOUT);

    it("Channel: 8 producers x 2,000 messages to 6 consumers, bounded (4), unbounded and rendezvous: none lost or duplicated", async () => {
      const total = 8 * 2000;
      const expected = BigInt((total * (total - 1)) / 2);
      for (const capacity of [4, -1, 0]) {
        const s = seed();
        expect(await callWithin(runtime(), 30, "channelFlow", 8, 6, 2000, capacity, s), `capacity ${capacity}, seed ${s}`).toBe(expected);
      }
    }, TEST_TIMEOUT);

    it("Channel(0) hands 1,000 floats from one thread to another intact", async () => {
      expect(await callWithin(runtime(), 30, "rendezvous", 1000)).toBe((999 * 1000) / 2 + 250);
    }, TEST_TIMEOUT);

    it("Event.set wakes all 500 waiters; WaitGroup.wait returns after all 500 done(); Once runs its function once for 100 callers", async () => {
      expect(await callWithin(runtime(), 30, "eventBroadcast", 500)).toBe(500);
      expect(await callWithin(runtime(), 30, "waitGroupCount", 500, seed())).toBe(500);
      expect(await callWithin(runtime(), 30, "onceRuns", 100)).toBe(1);
    }, TEST_TIMEOUT);
  });
}

describe("misuse and failure, with clear errors", () => {
  const runtime = sharedRuntime(wasm, 1);

  it("a thread that dies holding a Mutex poisons it: the next lock() fails naming the mutex and the dead thread", async () => {
    expect(await failureReason(runtime(), "lockAfterHolderDied")).toMatch(
      /^Mutex "results" is poisoned: thread \d+ ended while holding it \(use lockEvenIfPoisoned\(\) to recover the value\)$/,
    );
  }, TEST_TIMEOUT);

  it("lockEvenIfPoisoned sees the half-done value (42) and clearPoison makes the mutex usable again", async () => {
    expect(await runtime().call("recoverPoisoned")).toBe(42n);
  }, TEST_TIMEOUT);

  it("the value is out of reach once unlocked: a guard used after unlock() fails", async () => {
    expect(await failureReason(runtime(), "valueAfterUnlock")).toMatch(/^Mutex "cache" value: thread \d+ does not hold the lock \(nobody does\)$/);
  }, TEST_TIMEOUT);

  it("unlocking another thread's mutex fails that thread; the holder keeps the lock", async () => {
    expect(await runtime().call("unlockByOtherThread")).toBe(1);
  }, TEST_TIMEOUT);

  it("locking a mutex twice in one thread fails instead of waiting forever", async () => {
    expect(await failureReason(runtime(), "lockTwice")).toMatch(/^Mutex lock: thread \d+ already holds it \(locking it again would wait forever\)$/);
  }, TEST_TIMEOUT);

  it("Semaphore: releasing permits the thread does not hold, and asking for more than exist, fail clearly", async () => {
    expect(await failureReason(runtime(), "releaseWithoutAcquire")).toMatch(/^Semaphore "pool" release: thread \d+ holds none of its permits, cannot release 1$/);
    expect(await failureReason(runtime(), "acquireTooMany")).toBe('Semaphore "pool" acquire: asked for 3 permits; it has 2 in all');
  }, TEST_TIMEOUT);

  it("Channel: a closed channel drains, then recv() fails; send on a closed channel fails; a waiting sender fails at close", async () => {
    expect(await failureReason(runtime(), "drainClosed")).toBe('Channel "names" recv: the channel is closed and empty');
    expect(await failureReason(runtime(), "sendOnClosed")).toBe('Channel "done" send: the channel is closed');
    expect(await failureReason(runtime(), "closeUnderSender")).toMatch(/^thread \d+ failed: Channel "full" send: the channel is closed$/);
  }, TEST_TIMEOUT);

  it("WaitGroup below zero fails; a Once whose runner failed runs again for the next caller", async () => {
    expect(await failureReason(runtime(), "waitGroupNegative")).toBe("WaitGroup: done() called more times than add() (the count would be -1)");
    expect(await runtime().call("onceRetries")).toBe(2);
  }, TEST_TIMEOUT);
});

describe("objects through the primitives while the collector runs", () => {
  it("strings and arrays sent through a channel and kept in a mutex survive 20 forced collections on 4 workers", async () => {
    const rt = await start(wasm(), 4);
    const producers = 8, per = 3000;
    const call = callWithin(rt, 60, "objectFlow", producers, 4, per);
    await collectDuring(rt, call, 20);
    expect(await call).toBe(producers * Math.ceil(per / 16));
    expect(rt.memoryStats().gc.collections).toBeGreaterThan(0);
    await stop(rt);
  }, TEST_TIMEOUT);
});
