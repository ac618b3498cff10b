// The design essay's examples as tests: download_all with a Mutex-guarded result store and max_concurrency = 8,
// the futures variant, and one failing download cancelling the rest. Guest: test/guests/essay.ts.
import { describe, expect, it } from "vitest";
import { ThreadFailure } from "../../dist/host/index.js";
import { TEST_TIMEOUT, sharedRuntime, callWithin, rejectionOf, until, useGuest } from "./helpers.js";

const wasm = useGuest("essay");

for (const workers of [1, 4]) {
  describe(`download_all on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("300 URLs through ThreadGroup(max_concurrency=8) into Mutex(results): every page stored, never more than 8 in flight", async () => {
      const [pages, maxInFlight, correct] = String(await callWithin(runtime(), 60, "downloadAll", 300, -1)).split(",").map(Number);
      expect(pages).toBe(300);
      expect(correct).toBe(1);
      expect(maxInFlight).toBeLessThanOrEqual(8);
      expect(maxInFlight).toBeGreaterThanOrEqual(workers === 1 ? 8 : 2); // the limit is used, not just respected
    }, TEST_TIMEOUT);

    it("the futures variant returns every page, in URL order", async () => {
      const n = 200;
      const expected = Array.from({ length: n }, (_, i) => `<html>http://127.0.0.1/page/${i}</html>`.length).reduce((a, b) => a + b);
      expect(await callWithin(runtime(), 60, "downloadAllFutures", n)).toBe(expected);
    }, TEST_TIMEOUT);

    it("one failing URL fails download_all with its error and cancels the downloads still running or waiting", async () => {
      const e = await rejectionOf(runtime().call("downloadAll", 300, 40));
      expect(e).toBeInstanceOf(ThreadFailure);
      expect((e as ThreadFailure).reason).toMatch(/^thread \d+ failed: fetch failed: http:\/\/127\.0\.0\.1\/page\/40 answered 500$/);
      const r = (await runtime().call("finishedDownloads")) as number;
      expect(r % 1000).toBe(0); // nothing left in flight: the cancelled downloads' cleanups ran
      expect(Math.floor(r / 1000)).toBeLessThan(299); // most never ran: the rest were cancelled, not completed
      await until(() => runtime().schedulerStats().liveThreads === 0, 10, "every download thread to end");
    }, TEST_TIMEOUT);
  });
}
