// The guest of bench/micro/shared-structures.js (bench/guest/shared-ops.ts) on 1 and 4 workers: every storm
// returns what it must (a spin lock that did not exclude would lose increments), the spinners spread over the
// workers when there are several, and bad arguments fail with the guest's message.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime } from "../../dist/host/index.js";
import { build } from "../../dist/host/toolchain.js";
import { REPO_ROOT, TEST_TIMEOUT, closeAll, start, stop } from "../runtime/helpers.js";

let wasm: string;
beforeAll(async () => {
  const out = await build({
    entry: path.join(REPO_ROOT, "bench", "guest", "shared-ops.ts"),
    outDir: path.join(REPO_ROOT, "build", "test", "bench-shared-ops"),
    backends: ["asyncify"],
  });
  wasm = out.modules.asyncify!;
}, 300_000);
afterAll(closeAll);

describe.each([1, 4])("shared-ops on %i worker(s)", (workers) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await start(wasm, workers, { backend: "asyncify" });
    // a loaded machine may take long to wake the idle workers that steal the spinners: wait, do not give up
    await rt.call("setSpreadWaitMs", 50_000);
  }, TEST_TIMEOUT);
  afterAll(async () => stop(rt));

  it("yield and sleep storms: every thread does all its operations", async () => {
    expect(await rt.call("yieldStorm", 700, 30)).toBe(21_000n);
    expect(await rt.call("sleepStorm", 300, 4)).toBe(1_200n);
  }, TEST_TIMEOUT);

  it("the spin lock excludes: threads x k increments, none lost, on as many workers as there are spinners", async () => {
    const threads = workers;
    for (let round = 0; round < 2; round++) {
      expect(await rt.call("lockStorm", threads, 50_000)).toBe(BigInt(threads * 50_000));
      expect(await rt.call("spinnerWorkers", threads)).toBe(threads);
    }
  }, TEST_TIMEOUT);

  it("atomic adds to one shared word and to per-thread lines lose nothing", async () => {
    expect(await rt.call("addStorm", workers, 100_000, 0)).toBe(BigInt(workers * 100_000));
    expect(await rt.call("addStorm", workers, 100_000, 1)).toBe(BigInt(workers * 100_000));
  }, TEST_TIMEOUT);

  it("refuses more spinners than it has slots for, naming the limit", async () => {
    await expect(rt.call("lockStorm", 65, 1)).rejects.toThrow(/at most 64 threads/);
    await expect(rt.call("yieldStorm", 0, 1)).rejects.toThrow(/bad arguments/);
  }, TEST_TIMEOUT);
});
