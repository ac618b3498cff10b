// SharedState (host/abi/shared-state.ts) reads and writes the words the Wasm layout places, and nothing beside them:
// checked on a shared memory written the way the runtime writes it (little-endian, at the layout's addresses).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as L from "../../host/abi/layout.js";
import { SharedState } from "../../host/abi/shared-state.js";

function fresh(): { shared: SharedState; view: DataView; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 4, shared: true });
  return { shared: new SharedState(memory), view: new DataView(memory.buffer), memory };
}

const counterAt = (worker: number, field: number) => L.WORKER_STATS + worker * L.WORKER_STATS_STRIDE + field;

describe("SharedState", () => {
  it("sums every booted worker's 64-bit switch counter, beyond 32 bits, and ignores workers that did not boot", () => {
    const perWorker = fc.array(fc.bigInt({ min: 0n, max: 1n << 45n }), { minLength: 1, maxLength: L.MAX_WORKERS });
    fc.assert(
      fc.property(perWorker, fc.nat(), (counts, extra) => {
        const { shared, view } = fresh();
        const booted = Math.max(1, counts.length - (extra % counts.length));
        counts.forEach((n, i) => view.setBigInt64(counterAt(i, L.WS_SWITCHES), n, true));
        view.setUint32(L.WORKERS_BOOTED, booted, true);
        const expected = counts.slice(0, booted).reduce((a, b) => a + b, 0n);
        expect(shared.totalSwitches()).toBe(Number(expected));
        expect(shared.counter(booted - 1, L.WS_SWITCHES, "i64")).toBe(Number(counts[booted - 1]));
      }),
    );
  });

  it("marks one worker idle without touching its neighbours' counters", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: L.MAX_WORKERS - 1 }), (worker) => {
        const { shared, view } = fresh();
        shared.setIdle(worker, L.IDLE_WAITING);
        expect(shared.idle(worker)).toBe(L.IDLE_WAITING);
        expect(view.getInt32(counterAt(worker, L.WS_IDLE), true)).toBe(L.IDLE_WAITING);
        for (let i = 0; i < L.MAX_WORKERS; i++) if (i !== worker) expect(shared.idle(i)).toBe(L.IDLE_NO);
        expect(shared.counter(worker, L.WS_HOST_CANCELS, "i32")).toBe(0);
        shared.setIdle(worker, L.IDLE_NO);
        expect(shared.idle(worker)).toBe(L.IDLE_NO);
      }),
    );
  });

  it("requests a collection only when none is requested or running", () => {
    const { shared, view } = fresh();
    expect(shared.gcState()).toBe(L.GC_IDLE);
    expect(shared.requestCollection()).toBe(true);
    expect(view.getUint32(L.GC_STATE, true)).toBe(L.GC_REQUESTED);
    expect(shared.gcRequested()).toBe(true);
    expect(shared.requestCollection()).toBe(false);
    view.setUint32(L.GC_STATE, L.GC_COLLECTING, true);
    expect(shared.requestCollection()).toBe(false);
    expect(shared.gcState()).toBe(L.GC_COLLECTING);
    expect(shared.gcRequested()).toBe(false);
  });

  it("wakes sleepers on the wake word: a waiter on the old epoch returns", async () => {
    const { shared } = fresh();
    const epoch = shared.wakeEpoch();
    const waited = shared.waitForWake(epoch, 10_000);
    expect(waited.async).toBe(true);
    shared.wakeWorkers();
    expect(await waited.value).toBe("ok");
    expect(shared.wakeEpoch()).toBe(epoch + 1);
  });

  it("counts the threads in the registered deques, with head and tail wrapping around 2^32, a passing claim as empty", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(0xffffffff), fc.integer({ min: -3, max: 512 })), { maxLength: 8 }), (deques) => {
        const { shared, view } = fresh();
        deques.forEach(([head, length], i) => {
          const block = 20_000 + i * 128; // a deque block in the heap
          view.setUint32(L.DEQUES + 4 * i, block, true);
          view.setUint32(block + L.DEQUE_HEAD, head, true);
          view.setUint32(block + L.DEQUE_TAIL, (head + length) >>> 0, true);
        });
        view.setUint32(L.DEQUE_LIMIT, deques.length, true);
        const expected = deques.reduce((sum, [, length]) => sum + Math.max(0, length), 0);
        expect(shared.dequeLengths()).toBe(expected);
      }),
    );
  });

  it("finds the background group's live count, or none before boot", () => {
    const { shared, view } = fresh();
    expect(shared.backgroundLive()).toBeNull();
    view.setUint32(L.DEFAULT_GROUP, 30_000, true);
    view.setInt32(30_000 + L.GROUP_LIVE, 7, true);
    expect(shared.backgroundLive()?.[0]).toBe(7);
  });

  it("keeps its header view after the memory grows (the header never moves)", () => {
    const { shared, memory } = fresh();
    memory.grow(1);
    shared.wakeWorkers();
    expect(new DataView(memory.buffer).getInt32(L.WAKE_EPOCH, true)).toBe(1);
    expect(shared.memory.buffer.byteLength).toBe(3 * 65536);
  });
});
