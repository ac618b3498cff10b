// Pinned threads: a thread that blocks inside a callback of a synchronous host function (a JS frame on its stack)
// is pinned to its worker, which waits for it while running the other threads. Guest: test/guests/pinning.ts,
// host functions: test/guests/pinning-host.mjs.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CancelledError, DeadlockError, Runtime, ThreadFailure, renderDump } from "../../dist/host/index.js";
import { BACKEND, REPO_ROOT, TEST_TIMEOUT, callWithin, rejectionOf, sharedRuntime, sum, xorshift32, useGuest } from "./helpers.js";

const HOST_MODULE = path.join(REPO_ROOT, "test", "guests", "pinning-host.mjs");

const wasm = useGuest("pinning");

/** Replays the guest's seeded schedule (test/guests/pinning.ts stress): the exact sums it must return. */
function stressExpectation(n: number, seed: number): { total: number; plain: number } {
  let total = 0, plain = 0;
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = xorshift32((s | 1) >>> 0);
    let t = xorshift32(((s >>> 1) | 1) >>> 0);
    const k = (t % 4) + 1;
    for (let j = 0; j < k; j++) {
      t = xorshift32(t);
      const r = xorshift32(((t >>> 1) | 1) >>> 0);
      if (r % 3 === 2) total += 1;
      else { total += 1; plain += 1; }
    }
  }
  return { total, plain };
}

const STRESS_SEEDS = process.env.VTHREADS_STRESS_SEEDS?.split(",").map(Number) ?? [1, 777, 12345, 40595, 99991];

async function failure(p: Promise<unknown>): Promise<Error> {
  return rejectionOf(p, 20);
}

// The nested loop that keeps a pinned worker's other threads running exists on Asyncify only: on JSPI those threads'
// stacks are resumed by the worker's JS loop, which cannot run during the pin (see the JSPI block at the end). So on
// JSPI the tests that need it are skipped, and the rest run on 4 workers (on 1, every waker is on the pinned worker).
const ASYNCIFY = BACKEND === "asyncify";
const needsNestedLoop = it.runIf(ASYNCIFY);

for (const workers of [1, 4]) {
  describe.runIf(ASYNCIFY || workers === 4)(`pinned threads on ${workers} worker(s)`, () => {
    const rt = sharedRuntime(wasm, workers, { hostModule: HOST_MODULE });

    const modes = ["channel recv", "sleep", "mutex", "future"];
    for (let mode = 0; mode < modes.length; mode++) {
      needsNestedLoop(`a pinned thread does not stop others (${modes[mode]}): 400 threads run, sleep and finish meanwhile`, async () => {
        const pinsBefore = sum(rt().schedulerStats().pins);
        const [result, finished, before] = String(await callWithin(rt(), 30, "pinnedDoesNotStopOthers", mode, 400))
          .split(",").map(Number);
        // forEach(3, cb) summed the callbacks' results through the host function
        expect(result).toBe([33, 303, 123, 153][mode]);
        expect(finished).toBe(400);
        expect(before).toBe(400); // all of them finished while the thread was pinned
        expect(sum(rt().schedulerStats().pins)).toBeGreaterThan(pinsBefore);
      }, TEST_TIMEOUT);
    }

    it("the dump shows the thread as pinned, with what it waits on, and the worker as pinned", async () => {
      const call = rt().call("pinnedForDump", 400, BACKEND === "jspi");
      let dump = await rt().dump();
      const deadline = Date.now() + 5000;
      const pinnedThread = () => dump.roots[0]?.groups[0]?.threads.find((t) => t.state === "pinned");
      while (!pinnedThread() && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
        dump = await rt().dump();
      }
      const t = pinnedThread();
      expect(t, JSON.stringify(dump)).toBeDefined();
      expect(t!.on).toEqual({ kind: "event", name: "release" });
      expect(dump.pinnedWorkers).toEqual([t!.worker]);
      expect(renderDump(dump)).toMatch(new RegExp(`thread ${t!.id}: pinned on worker ${t!.worker}, waiting on event "release"`));
      expect(renderDump(dump).split("\n")[0]).toMatch(/worker\(s\) \d pinned/);
      expect(await call).toBe(42);
      const after = await rt().dump();
      expect(after.pinnedWorkers).toEqual([]);
    }, TEST_TIMEOUT);

    needsNestedLoop("a pinned thread cancelled by its group ends as cancelled; the worker goes on", async () => {
      expect(await callWithin(rt(), 20, "cancelPinned")).toBe("cancelled,9");
    }, TEST_TIMEOUT);

    needsNestedLoop("a pinned root call cancelled with callWith's signal rejects with CancelledError", async () => {
      const ac = new AbortController();
      const call = rt().callWith("pinnedForever", [], { signal: ac.signal });
      await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      const e = await failure(call);
      expect(e).toBeInstanceOf(CancelledError);
      expect(await callWithin(rt(), 20, "pinnedDoesNotStopOthers", 0, 10)).toBe("33,10,10");
    }, TEST_TIMEOUT);

    needsNestedLoop("a callback that fails (abort) after blocking fails its thread cleanly, even if the host function swallows it", async () => {
      expect(await callWithin(rt(), 20, "failingCallback")).toBe("callback 1 failed|swallowed failure|5");
      expect(await callWithin(rt(), 20, "pinnedDoesNotStopOthers", 1, 50)).toBe("303,50,50");
    }, TEST_TIMEOUT);

    it("a callback index that is not a function fails clearly", async () => {
      const e = await failure(rt().call("badCallback"));
      expect(e).toBeInstanceOf(ThreadFailure);
      expect(e.message).toMatch(/guest\.call in host function "callOnce": 123456 is not the index of a guest function of type \(i32\) => i32/);
    }, TEST_TIMEOUT);

    it("a deadlock through a pinned thread (mutex held by a thread waiting for it) ends with a DeadlockError, every time (20 rounds)", async () => {
      // An idle worker and the pinned worker confirm the deadlock at about the same moment: the one that loses the
      // claim to break it once failed the pinned thread as well, and the root call ended with that ThreadFailure.
      for (let round = 0; round < 20; round++) {
        const e = await failure(rt().call("pinnedDeadlock"));
        expect(e, `round ${round}: ${e.message}`).toBeInstanceOf(DeadlockError);
        const text = renderDump((e as DeadlockError).dump as never);
        expect(text).toMatch(/pinned on worker \d, waiting on mutex "held", held by thread \d+/);
      }
    }, TEST_TIMEOUT);

    it("a pinned root call waiting on an event nobody sets ends with a DeadlockError", async () => {
      const e = await failure(rt().call("pinnedRootDeadlock"));
      expect(e, e.message).toBeInstanceOf(DeadlockError);
      expect(e.message).toMatch(/deadlock: every live thread is blocked/);
    }, TEST_TIMEOUT);

    needsNestedLoop("a pinned thread waiting on a host call of its own worker fails at once, naming the reason", async () => {
      const e = await failure(rt().call("pinnedHostCall", 10));
      expect(e.message).toMatch(/a pinned thread waits on a host call started on its own worker, which cannot settle until the pin ends/);
      expect(await callWithin(rt(), 20, "pinnedDoesNotStopOthers", 2, 20)).toBe("123,20,20");
    }, TEST_TIMEOUT);

    // On 4 workers this stress used to end about one run in three with a DeadlockError while pins nested on one
    // worker: a woken pinned thread, in no run queue, went unseen by the deadlock checks (driver/pin.ts,
    // workerIdle). The seeds include ones that failed then; VTHREADS_STRESS_SEEDS=a,b,... runs others.
    needsNestedLoop("stress: seeded random blocking callbacks (sleep, yield, futures) from 300 threads (8 at once), no lost wake-up", async () => {
      for (const seed of STRESS_SEEDS) {
        const [total, plain] = String(await callWithin(rt(), 60, "stress", 300, seed, 8)).split(",").map(Number);
        const expected = stressExpectation(300, seed);
        expect(total).toBe(expected.total);
        expect(plain).toBe(expected.plain);
      }
      expect(sum(rt().schedulerStats().pins)).toBeGreaterThan(0);
    }, TEST_TIMEOUT);
  });
}

describe.runIf(ASYNCIFY)("pinned threads on one worker", () => {
  const rt = sharedRuntime(wasm, 1, { hostModule: HOST_MODULE });

  it("nests pins up to the bound (8), each running the next in its nested loop", async () => {
    expect(await callWithin(rt(), 20, "nestedPins", 8)).toBe("8,8,0,0,");
  }, TEST_TIMEOUT);

  it("one pin beyond the bound blocks its worker; with no other worker to run its waker it fails, never hangs", async () => {
    const [pinned, ok, failed, cancelled, message] = String(await callWithin(rt(), 20, "nestedPins", 9)).split(",");
    expect([pinned, ok, failed, cancelled]).toEqual(["9", "0", "1", "8"]);
    expect(message).toMatch(/pinned waits nested too deeply on one worker \(more than 8/);
    expect(await callWithin(rt(), 20, "nestedPins", 8)).toBe("8,8,0,0,");
  }, TEST_TIMEOUT);

  it("a pinned thread waiting on a thread blocked on a host call of the pinned worker fails instead of hanging", async () => {
    const e = await failure(rt().call("pinnedIndirectHostCall", 10));
    expect(e.message).toMatch(/a pinned thread cannot make progress: nothing else can run, and the host calls it may be waiting for were started on its worker/);
  }, TEST_TIMEOUT);
});

describe.runIf(ASYNCIFY)("pinned threads on four workers", () => {
  const rt = sharedRuntime(wasm, 4, { hostModule: HOST_MODULE });
  it("nine nested-looking pins on four workers all complete (the others run the wakers)", async () => {
    const [pinned, ok] = String(await callWithin(rt(), 20, "nestedPins", 9)).split(",");
    expect(pinned).toBe("9");
    expect(ok).toBe("9");
  }, TEST_TIMEOUT);
});

describe.runIf(BACKEND === "jspi")("pinned threads on JSPI", () => {
  const rt = sharedRuntime(wasm, 1, { hostModule: HOST_MODULE });
  it("a thread that blocks inside a callback is pinned, not a SuspendError; when only its own worker could wake it, it fails clearly and the worker goes on", async () => {
    const e = await failure(rt().call("pinnedDoesNotStopOthers", 1, 400));
    expect(e).toBeInstanceOf(ThreadFailure);
    expect(e.message).toMatch(/a pinned thread waits for threads that only its worker can run \(on the JSPI backend a pinned worker runs no other thread\)/);
    expect(e.message).not.toMatch(/SuspendError/);
    expect(await callWithin(rt(), 20, "nestedPins", 0)).toBe("0,0,0,0,");
  }, TEST_TIMEOUT);
});

describe("synchronous host functions: set-up errors", () => {
  it("a module that imports a sync function the hostModule lacks does not start, naming it", async () => {
    const e = await rejectionOf(Runtime.start(wasm(), { workers: 1 }), 30);
    expect(e.message).toMatch(/host_sync\.forEach, but the hostModule exports no synchronous function sync\.forEach/);
  }, TEST_TIMEOUT);
});
