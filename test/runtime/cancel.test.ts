// Cancellation: level-triggered, reaching every kind of wait, leaving nothing behind; deadlines; cancellation of a
// root call from the host; deadlock detection with a dump. Guest: test/guests/groups.ts.
import { describe, expect, it } from "vitest";
import type { Dump } from "../../dist/host/index.js";
import { CancelledError, DeadlockError, ThreadFailure, renderDump } from "../../dist/host/index.js";
import { TEST_TIMEOUT, sharedRuntime, callWithin, rejectionOf, until, useGuest } from "./helpers.js";

const wasm = useGuest("groups", "groups-cancel");

for (const workers of [1, 4]) {
  describe(`cancellation on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("cancel() ends 1,000 sleeping children at their sleep; join returns normally; every future says cancelled", async () => {
      expect(await callWithin(runtime(), 30, "cancelSleepers", 1000)).toBe(10_000);
      expect(runtime().schedulerStats().sleeping).toBe(0);
    }, TEST_TIMEOUT);

    it("get() on a cancelled thread's future fails the caller, saying so", async () => {
      const e = (await rejectionOf(runtime().call("getCancelled"))) as ThreadFailure;
      expect(e.reason).toMatch(/^thread \d+ was cancelled$/);
    }, TEST_TIMEOUT);

    it("deadlines: withTimeout cancels the slow thread and not the fast one; cancelAfter marks the group timed out", async () => {
      expect(await callWithin(runtime(), 30, "timeouts")).toBe(105);
      expect(await callWithin(runtime(), 30, "groupDeadline", 50)).toBe(1);
    }, TEST_TIMEOUT);

    it("a computing loop is cancelled at its checkpoint()", async () => {
      expect(await callWithin(runtime(), 30, "cancelSpinner")).toBe(1);
    }, TEST_TIMEOUT);

    it("cancelling a group reaches grandchildren, through a joining parent and through a sleeping one", async () => {
      expect(await callWithin(runtime(), 30, "nestedCancel", 10, 20)).toBe(0);
    }, TEST_TIMEOUT);

    it("cleanups (onExit) of 200 cancelled threads all run, may block on a mutex and a channel, and dismissed ones don't", async () => {
      expect(await callWithin(runtime(), 30, "cleanupsOnCancel", 200)).toBe(1);
    }, TEST_TIMEOUT);

    it("cleanups run when a thread fails; run() runs one early, exactly once", async () => {
      expect(await callWithin(runtime(), 30, "cleanupsOnFailureAndRun")).toBe(1);
    }, TEST_TIMEOUT);

    it("10,000 threads blocked on sleep, mutex, semaphore, channel send and receive, and a future: all cancelled, nothing left behind", async () => {
      expect(await callWithin(runtime(), 60, "cancelStorm", 10_000)).toBe(63);
      await until(() => runtime().schedulerStats().liveThreads === 0, 10, "every thread record to be freed");
      const s = runtime().schedulerStats();
      expect([s.runnable, s.sleeping]).toEqual([0, 0]);
    }, TEST_TIMEOUT);
  });
}

describe("cancellation from the host", () => {
  const runtime = sharedRuntime(wasm, 2);

  it("an AbortSignal cancels a call that would sleep for ages: it rejects with CancelledError, its children end, its locks are released", async () => {
    const ac = new AbortController();
    const call = runtime().callWith("longCall", [50], { signal: ac.signal });
    await until(() => false, 0, "").catch(() => {});
    // Wait until the call's 50 children are asleep, then abort.
    for (let i = 0; i < 400 && ((await runtime().call("arrived")) as number) < 50; i++) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const e = await rejectionOf(call);
    expect(e).toBeInstanceOf(CancelledError);
    expect(e.message).toMatch(/^thread \d+ \(root of "longCall"\) was cancelled$/);
    await until(() => runtime().schedulerStats().liveThreads === 0, 10, "the call's threads to end");
    expect(runtime().schedulerStats().sleeping).toBe(0);
  }, TEST_TIMEOUT);

  it("a signal that is already aborted rejects at once, and the runtime keeps working", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runtime().callWith("arrived", [], { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(await runtime().call("isCancelled")).toBe(false);
  }, TEST_TIMEOUT);

  it("dump(): groups and threads as a tree, each thread with its state, what it waits on, and its path", async () => {
    const call = runtime().call("dumpScene");
    // Until the scene has settled: two children waiting on the event, two pending, one on the mutex, one asleep.
    const settled = (d: Dump) => {
      const groups = d.roots.flatMap((t) => t.groups);
      const threads = groups.flatMap((g) => g.threads);
      return threads.filter((t) => t.on?.kind === "event").length === 2 && threads.some((t) => t.on?.kind === "mutex") &&
        threads.some((t) => t.on?.kind === "sleep") && threads.filter((t) => t.state === "pending").length === 2;
    };
    let dump: Dump = await runtime().dump();
    for (let i = 0; i < 500 && !settled(dump); i++) {
      await new Promise((r) => setTimeout(r, 10));
      dump = await runtime().dump();
    }
    const root = dump.roots.find((t) => t.groups.some((g) => g.name === "downloads"));
    expect(root, JSON.stringify(dump)).toBeDefined();
    expect(root!.on).toMatchObject({ kind: "event", name: "release" });
    const downloads = root!.groups.find((g) => g.name === "downloads")!;
    expect(downloads).toMatchObject({ live: 4, started: 2, maxConcurrency: 2, cancelled: false });
    expect(downloads.threads.filter((t) => t.state === "pending")).toHaveLength(2);
    const waiting = downloads.threads.filter((t) => t.state === "waiting");
    expect(waiting.map((t) => t.on?.kind)).toEqual(["event", "event"]);
    expect(waiting[0].path).toBe(`thread ${root!.id} / group ${downloads.id} (downloads) / thread ${waiting[0].id}`);
    const misc = root!.groups.find((g) => g.name === "misc")!;
    const onMutex = misc.threads.find((t) => t.on?.kind === "mutex")!;
    expect(onMutex.on).toEqual({ kind: "mutex", name: "table", holder: root!.id });
    expect(misc.threads.some((t) => t.on?.kind === "sleep" && (t.on.until ?? 0) > dump.time - 1000)).toBe(true);
    const text = renderDump(dump);
    expect(text).toContain(`waiting on mutex "table", held by thread ${root!.id}`);
    expect(text).toContain('group ' + downloads.id + ' "downloads": 4 live, max 2 at once');
    expect(text).toContain("pending (its group is at maxConcurrency)");
    await runtime().call("release");
    expect(await callWithin(runtime(), 30, "arrived")).toBeGreaterThanOrEqual(4);
    expect(await call).toBe(root!.id);
  }, TEST_TIMEOUT);
});

for (const workers of [1, 4]) {
  describe(`deadlock detection on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("two threads locking two mutexes in opposite orders: the call fails with a DeadlockError whose dump shows who holds what", async () => {
      const e = await rejectionOf(runtime().call("lockOrderDeadlock"), 30);
      expect(e).toBeInstanceOf(DeadlockError);
      expect(e.message).toMatch(/failed: deadlock: every live thread is blocked and nothing can wake them/);
      const dump = (e as DeadlockError).dump as Dump;
      const group = dump.roots[0].groups.find((g) => g.name === "lock order")!;
      const waits = group.threads.map((t) => t.on);
      expect(waits).toHaveLength(2);
      const byName = Object.fromEntries(waits.map((w) => [w!.name, w!.holder]));
      const ids = group.threads.map((t) => t.id);
      // Each waits for the mutex the other holds.
      expect(new Set([byName.a, byName.b])).toEqual(new Set(ids));
      expect(renderDump(dump)).toMatch(/waiting on mutex "a", held by thread \d+/);
      await until(() => runtime().schedulerStats().liveThreads === 0, 10, "the deadlocked threads to be cancelled");
    }, TEST_TIMEOUT);

    it("a receive nobody answers fails as a deadlock instead of hanging; the runtime keeps working", async () => {
      const e = await rejectionOf(runtime().call("lonelyReceive"), 30);
      expect(e).toBeInstanceOf(DeadlockError);
      expect(((e as DeadlockError).dump as Dump).roots[0].on).toMatchObject({ kind: "channel receive", name: "inbox" });
      expect(await callWithin(runtime(), 10, "timeouts")).toBe(105);
    }, TEST_TIMEOUT);
  });
}
