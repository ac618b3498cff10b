// A worker that dies under a running runtime never hangs a call. Each fault is injected 100 times, each time in a
// fresh runtime of 1 or 2 workers with other calls in flight (threads blocked on a channel and in host calls, on
// either worker): every call in flight settles with a RuntimeBrokenError naming the worker and the cause, later calls
// are refused with the same error, and close() settles. The runtime refuses to go on after a death (the safe
// choice; see RuntimeBrokenError): a worker can die holding a spin lock, mid-switch or mid-collection.
import path from "node:path";
import { describe, it, expect } from "vitest";
import { Runtime, RuntimeBrokenError, RuntimeClosedError } from "../../dist/host/index.js";
import { BACKEND, REPO_ROOT, rejectionOf, within, useGuest } from "./helpers.js";

const HOST = path.join(REPO_ROOT, "test", "guests", "faults-host.mjs");
const ROUNDS = 100;

const FAULTS = [
  { kind: 0, name: "process.exit in a host function", cause: /died: it exited with code 3/ },
  { kind: 1, name: "an uncaught exception from the host module after start", cause: /died: Error: host module failed after start/ },
  { kind: 2, name: "a host function running the worker out of heap", cause: /died: .*ERR_WORKER_OUT_OF_MEMORY/ },
];

const wasm = useGuest("faults");

function expectBroken(e: Error, cause: RegExp, what: string): void {
  expect(e, `${what}: ${e.name}: ${e.message}`).toBeInstanceOf(RuntimeBrokenError);
  expect(e).toBeInstanceOf(RuntimeClosedError); // what code written before RuntimeBrokenError catches
  expect(e.message).toMatch(/the runtime is broken: worker \d /);
  expect(e.message).toMatch(cause);
  expect((e as RuntimeBrokenError).reason).toMatch(cause);
}

/**
 * A call that will reject when the worker dies, marked handled at once: the test awaits it later (after other calls,
 * or a collect()), and a rejection with no handler yet in the tick it happens is reported by Node as unhandled,
 * which fails the whole test run even though the test then checks it.
 */
function callLater(rt: Runtime, name: string, ...args: unknown[]): Promise<unknown> {
  const call = rt.call(name, ...args);
  call.catch(() => {});
  return call;
}

describe(`a worker that dies (${BACKEND})`, () => {
  for (const fault of FAULTS) {
    it(`${fault.name}, ${ROUNDS} times: every call settles with a RuntimeBrokenError, close() settles`, async () => {
      let settled = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const workers = 1 + (i % 2);
        const rt = await Runtime.start(wasm(), { backend: BACKEND, workers, hostModule: HOST, workerHeapMb: 16 });
        try {
          const hanging = [callLater(rt, "hang", 4), callLater(rt, "hang", 1)];
          const killer = callLater(rt, "kill", fault.kind);
          for (const [j, call] of [killer, ...hanging].entries()) {
            expectBroken(await rejectionOf(call, 30), fault.cause, `round ${i}, call ${j}`);
            settled++;
          }
          expectBroken(await rejectionOf(rt.call("answer"), 5), fault.cause, `round ${i}, a later call`);
          expectBroken(await rejectionOf(rt.dump(), 5), fault.cause, `round ${i}, a dump`);
          const broken = (await rejectionOf(rt.call("answer"), 5)) as RuntimeBrokenError;
          expect(broken.worker).toBeLessThan(workers);
        } finally {
          await within(rt.close(), 30, `close() in round ${i}`);
        }
      }
      expect(settled).toBe(ROUNDS * 3);
    }, 600_000);
  }

  it("the error names the worker that died, and close() settles when a worker dies during close", async () => {
    const rt = await Runtime.start(wasm(), { backend: BACKEND, workers: 2, hostModule: HOST });
    const killer = callLater(rt, "kill", 0);
    const closing = rt.close();
    expectBroken(await rejectionOf(killer, 30), /exited with code 3/, "the call in flight at close()");
    await within(closing, 30, "close()");
  });

  it("a collection asked for while a worker dies settles, done or with the RuntimeBrokenError, 20 times", async () => {
    for (let i = 0; i < 20; i++) {
      const rt = await Runtime.start(wasm(), { backend: BACKEND, workers: 2, hostModule: HOST });
      try {
        const hanging = callLater(rt, "hang", 3);
        const killer = callLater(rt, "kill", 0);
        const collected = await within(rt.collect().then(() => null, (e: Error) => e), 30, `collect() in round ${i}`);
        if (collected !== null) expectBroken(collected, /exited with code 3/, `round ${i}, collect()`);
        for (const call of [killer, hanging]) expectBroken(await rejectionOf(call, 30), /exited with code 3/, `round ${i}`);
      } finally {
        await within(rt.close(), 30, `close() in round ${i}`);
      }
    }
  }, 300_000);

  it("workerHeapMb is checked", async () => {
    await expect(Runtime.start(wasm(), { backend: BACKEND, workers: 1, workerHeapMb: -1 })).rejects.toThrow(
      "workerHeapMb must be a positive number of MiB, got -1",
    );
  });
});
