// Select over channels (Go's select) and the channel operations Go programmers expect: tryRecv, the ok-receive,
// timer channels. Every behaviour on 1 and 4 workers; stress with fast-check-generated mixes of selects and plain
// senders/receivers. Guest: test/guests/select.ts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TEST_TIMEOUT, sharedRuntime, failureReason, callWithin, until, start, stop, useGuest, collectDuring } from "./helpers.js";

const wasm = useGuest("select");

const seed = () => (Math.random() * 0xffff_fff0) >>> 0 || 1;

/** Sum of the first n primes. */
function primeSum(n: number): bigint {
  let sum = 0n;
  for (let p = 2, found = 0; found < n; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) { prime = false; break; }
    if (prime) { sum += BigInt(p); found++; }
  }
  return sum;
}

for (const workers of [1, 4]) {
  describe(`select on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("a prime sieve of 60 filters, each selecting between receiving and sending: rendezvous and buffered", async () => {
      for (const cap of [0, 1, 8]) {
        expect(await callWithin(runtime(), 30, "primeSieve", 60, cap), `capacity ${cap}`).toBe(primeSum(60));
      }
    }, TEST_TIMEOUT);

    it("one select over 4 senders receives every value exactly once, through the right case, then sees each channel closed", async () => {
      for (const cap of [0, 1, 16, -1]) {
        expect(await callWithin(runtime(), 30, "fanIn", 2000, cap), `capacity ${cap}`).toBe(8000);
      }
    }, TEST_TIMEOUT);

    it("a timeout fires when nothing is ready, and the losing case leaves its queue", async () => {
      const elapsed = (await callWithin(runtime(), 30, "timeoutFires", 20)) as number;
      expect(elapsed).toBeGreaterThanOrEqual(19);
      expect(await callWithin(runtime(), 30, "deadlineAndAfter", 10)).toBe(1);
      expect(runtime().schedulerStats().sleeping).toBe(0); // no timer left behind
    }, TEST_TIMEOUT);

    it("default is chosen only when nothing is ready; a disabled case is never chosen until enabled", async () => {
      expect(await callWithin(runtime(), 30, "defaultCase")).toBe(1);
      for (const cap of [0, 4]) expect(await callWithin(runtime(), 30, "disabledCase", cap)).toBe(1);
    }, TEST_TIMEOUT);

    it("closing a channel completes a receive case with ok = false and the zero value", async () => {
      expect(await callWithin(runtime(), 30, "closeUnderSelect")).toBe(1);
    }, TEST_TIMEOUT);

    it("fairness: with 4 cases ready at every one of 40,000 rounds, each is chosen 20-30 % of the time", async () => {
      const rounds = 40_000;
      const packed = (await callWithin(runtime(), 30, "fairness", rounds)) as bigint;
      const counts = [0n, 16n, 32n, 48n].map((s) => Number((packed >> s) & 0xffffn));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(rounds);
      // Expected 10,000 each, standard deviation ~87: the bounds are 28 deviations away, loose enough never to flake.
      for (const c of counts) {
        expect(c).toBeGreaterThan(rounds * 0.2);
        expect(c).toBeLessThan(rounds * 0.3);
      }
    }, TEST_TIMEOUT);

    it("cancelling 1,000 threads blocked in selects (half with a timeout) leaves every queue empty, no timer and no thread", async () => {
      expect(await callWithin(runtime(), 30, "cancelSelects", 1000)).toBe(1000);
      await until(() => runtime().schedulerStats().liveThreads === 0, 10, "every thread record to be freed");
      expect(runtime().schedulerStats().sleeping).toBe(0);
    }, TEST_TIMEOUT);

    it("a cancellation racing the receive that completes a select never fails the sender (3,000 seeded rounds)", async () => {
      const s = seed();
      const packed = (await callWithin(runtime(), 60, "cancelVersusClaim", 3000, s)) as number;
      const failed = packed & 0xffff, received = packed >>> 16;
      expect(failed, `seed ${s}: ${failed} senders failed (${received} of 3,000 messages received)`).toBe(0);
    }, TEST_TIMEOUT);

    it("select receivers cancelled while messages flow: each message received once by a select that returned it, or still buffered", async () => {
      for (const cap of [0, 1, 8]) {
        for (let run = 0; run < 5; run++) {
          const s = seed();
          const got = (await callWithin(runtime(), 30, "cancelWhileFlowing", 8, 2000, cap, s)) as number;
          expect(got, `capacity ${cap}, seed ${s}`).toBeGreaterThanOrEqual(0);
        }
      }
    }, TEST_TIMEOUT);

    it("tryRecv never waits; the ok-receive gives the zero value after the end, never a stale message", async () => {
      expect(await callWithin(runtime(), 30, "tryRecvCases")).toBe(1);
      expect(await callWithin(runtime(), 30, "okReceive")).toBe(1);
    }, TEST_TIMEOUT);

    it("timer channels: after(ms) fires once, a ticker ticks until stopped and leaves no timer; a ticker as a select case", async () => {
      expect(await callWithin(runtime(), 30, "timerChannels", 5, 5)).toBe(1);
      expect(await callWithin(runtime(), 30, "tickerInSelect", 2, 5)).toBe(5);
      expect(runtime().schedulerStats().sleeping).toBe(0);
    }, TEST_TIMEOUT);
  });
}

describe("randomised: selects and plain senders/receivers race", () => {
  for (const workers of [1, 4]) {
    describe(`on ${workers} worker(s)`, () => {
      const runtime = sharedRuntime(wasm, workers);
      it("every message is delivered exactly once, whatever the mix of channels, capacities and roles", async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.record({
              channels: fc.integer({ min: 1, max: 4 }),
              caps: fc.integer({ min: 0, max: 255 }),
              plainSenders: fc.integer({ min: 0, max: 6 }),
              selectSenders: fc.integer({ min: 0, max: 6 }),
              plainReceivers: fc.integer({ min: 0, max: 6 }),
              selectReceivers: fc.integer({ min: 1, max: 6 }),
              per: fc.integer({ min: 1, max: 300 }),
              seed: fc.integer({ min: 1, max: 0x7fff_ffff }),
            }),
            async (m) => {
              const total = (m.plainSenders + m.selectSenders) * m.per;
              const got = await callWithin(runtime(), 30, "mixedStress", m.channels, m.caps, m.plainSenders, m.selectSenders,
                m.plainReceivers, m.selectReceivers, m.per, m.seed);
              expect(got).toBe(total);
            },
          ),
          { numRuns: 25 },
        );
        expect(runtime().schedulerStats().sleeping).toBe(0);
      }, 120_000);
    });
  }
});

describe("references through selects while the collector runs", () => {
  it("strings made by a select sender, held only by its select, arrive intact through 20 forced collections on 4 workers", async () => {
    for (const cap of [0, 2]) {
      const rt = await start(wasm(), 4);
      const n = 20_000;
      const call = callWithin(rt, 60, "stringsThroughSelects", n, cap);
      await collectDuring(rt, call, 20);
      expect(await call, `capacity ${cap}`).toBe(n);
      expect(rt.memoryStats().gc.collections).toBeGreaterThan(0);
      await stop(rt);
    }
  }, TEST_TIMEOUT);
});

describe("misuse fails clearly", () => {
  const runtime = sharedRuntime(wasm, 1);

  it("a select with every case disabled, a send case on a closed channel, a message of the wrong type, a case that does not exist", async () => {
    expect(await failureReason(runtime(), "nothingEnabled")).toBe("Select.wait: no case is enabled (no channel, timeout or default): it would wait forever");
    expect(await failureReason(runtime(), "selectSendOnClosed")).toBe('Channel "closed" send: the channel is closed');
    expect(await failureReason(runtime(), "valueOfWrongType")).toBe("Select.value: case 0 receives another type");
    expect(await failureReason(runtime(), "sendWrongType")).toBe("Select: send case 0 is on a channel of another message type");
    expect(await failureReason(runtime(), "noSuchCase")).toBe("Select.disable: no case 3 (it has 1)");
  }, TEST_TIMEOUT);
});
