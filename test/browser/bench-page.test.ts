// The benchmark page in Debian's Chromium: served cross-origin isolated by the dev server, it runs the quick suite
// (every variant checks its own result, e.g. skynet's sum, and fails on a wrong one), shows the table and charts,
// exports JSON, never calls Atomics.wait on the main thread, and leaves a screenshot in test-results/.
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
// @ts-expect-error: plain JS module without types
import { buildWebGuests } from "../../bench/web/server.js";
import {
  RESULTS_DIR, countMainThreadWaits, launchChromium, mainThreadWaits, startServer, waitInPage,
  type BenchRow as Row, type BenchState, type Browser, type Server,
} from "./support.js";

/** `window.demoState` of bench/web/app.js. */
interface DemoState {
  peakLiveThreads: number;
  outcome: string | null;
}

let browser: Browser;
let server: Server;
let page: Page;
let pageErrors: string[];
let bench: BenchState;

/** Opens the benchmark page in a new tab and waits for the quick suite to finish. */
async function runQuickSuite(): Promise<void> {
  ({ page, errors: pageErrors } = await browser.newPage());
  await page.addInitScript(countMainThreadWaits);
  await page.goto(`${server.url}/bench/web/?suite=quick`);
  await waitInPage(page, () => ["done", "error"].includes((window as unknown as { vthreadsBench?: BenchState }).vthreadsBench?.state ?? ""), 300, "the quick suite to finish");
}

beforeAll(async () => {
  await buildWebGuests(undefined, { log: () => {} });
  server = await startServer();
  browser = await launchChromium();
  try {
    await runQuickSuite();
  } catch (e) {
    // Chromium's renderer has died on this page in about one full CI run in five (three times by 2026-12-07), never
    // when the file runs alone or beside test/runtime, and with no message of its own; its cause is not known
    // (closing notes of those sessions). One more try in a new tab, saying so with the browser's last output; a
    // second crash, or any other failure, fails the file.
    if (!/Target crashed/.test(String(e))) throw e;
    console.warn(`the benchmark page's renderer crashed; running the quick suite again in a new tab. Chromium's last output:\n${browser.logTail()}`);
    await page.close().catch(() => {});
    await runQuickSuite();
  }
  bench = await page.evaluate(() => (window as unknown as { vthreadsBenchJson(): BenchState }).vthreadsBenchJson());
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, "bench-page.png"), fullPage: true });
}, 700_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});


const rowsOf = (benchmark: string) => bench.results.filter((r) => r.benchmark === benchmark);

describe("the benchmark page in Chromium", () => {
  it("is cross-origin isolated and finishes the quick suite without an error", () => {
    expect(bench.machine.crossOriginIsolated).toBe(true);
    expect(bench.error).toBeNull();
    expect(bench.state).toBe("done");
    expect(pageErrors).toEqual([]);
  });

  it("every variant that runs in a browser verified its result (skynet's sum, ping-pong's alternation, ...) and has a median", () => {
    const ran = bench.results.filter((r) => r.status !== "skipped" && r.status !== "unavailable");
    expect(ran.length).toBeGreaterThan(10);
    for (const r of ran) {
      expect({ row: `${r.benchmark}/${r.variant}/${r.backend}/${r.workers}`, status: r.status, error: r.error }).toEqual({
        row: `${r.benchmark}/${r.variant}/${r.backend}/${r.workers}`,
        status: "ok",
        error: undefined,
      });
      expect(r.median).toBeGreaterThan(0);
    }
  });

  it("skynet ran on both backends on 1 up to hardwareConcurrency workers, each beside async/await with a ratio", () => {
    const skynet = rowsOf("skynet");
    expect(skynet.find((r) => r.variant === "async-await")?.status).toBe("ok");
    for (const backend of ["asyncify", "jspi"]) {
      const rows = skynet.filter((r) => r.variant === "vthreads" && r.backend === backend);
      expect(rows.map((r) => r.workers)).toEqual(Array.from({ length: bench.machine.hardwareConcurrency }, (_, i) => i + 1));
      for (const r of rows) {
        // the driver checked the sum of the 11,111 threads (49995000) on every run: a wrong one fails the row
        expect({ backend, workers: r.workers, status: r.status }).toEqual({ backend, workers: r.workers, status: "ok" });
        expect(r.threads).toBe(11_111);
        expect(r.ratio).toBeGreaterThan(0);
      }
    }
  });

  it("every vthreads row of the quick suite ran on JSPI too (Chromium 156 has it; all are under the JSPI limit)", () => {
    expect(bench.machine.jspiInBrowser).toBe(true);
    expect(bench.machine.jspiStackLimit).toBe(18_000); // the runtime's default in a browser (host/platform/browser.ts)
    const asyncify = bench.results.filter((r) => r.backend === "asyncify");
    const jspi = bench.results.filter((r) => r.backend === "jspi");
    expect(jspi.map((r) => `${r.benchmark}/${r.variant}/${r.workers}`)).toEqual(asyncify.map((r) => `${r.benchmark}/${r.variant}/${r.workers}`));
    for (const r of jspi) {
      expect({ row: `${r.benchmark}/${r.variant}/${r.workers}`, status: r.status }).toEqual({ row: `${r.benchmark}/${r.variant}/${r.workers}`, status: "ok" });
      expect(r.threads).toBeLessThanOrEqual(bench.machine.jspiStackLimit);
    }
    expect(bench.backendsRun).toEqual(["asyncify", "jspi"]);
  });

  it("says which backends ran", async () => {
    expect(await page.locator("#env").textContent()).toMatch(/JSPI in this browser: yes \(at most 18,000 threads with a stack per runtime\); backends: asyncify and jspi ran;/);
  });

  it("a row whose benchmark holds more threads than the JSPI limit is shown unavailable on JSPI, naming the limit, and not run", async () => {
    // The full parked-bytes parks 100,000 threads: it runs on Asyncify (1 run) and is listed, not run, on JSPI.
    const { page: full, errors } = await browser.newPage();
    try {
      await full.goto(`${server.url}/bench/web/?suite=full&only=parked-bytes&reps=1&warmup=0`);
      await waitInPage(full, () => ["done", "error"].includes((window as unknown as { vthreadsBench?: BenchState }).vthreadsBench?.state ?? ""), 120, "the parked-bytes run");
      const out = await full.evaluate(() => (window as unknown as { vthreadsBenchJson(): BenchState }).vthreadsBenchJson());
      const rows = out.results.filter((r) => r.variant === "vthreads");
      expect(rows.map((r) => [r.backend, r.status, r.threads])).toEqual([["asyncify", "ok", 100_003], ["jspi", "unavailable", 100_003]]);
      expect(rows[1]!.reason).toBe("holds up to 100,003 threads with a stack at once; the JSPI backend holds at most 18,000 (jspiStackLimit)");
      expect(rows[1]!.median).toBeUndefined();
      const cells = await full.locator("#results-body tr.status-unavailable td").allTextContents();
      expect(cells.join(" ")).toContain("unavailable: holds up to 100,003 threads with a stack at once; the JSPI backend holds at most 18,000 (jspiStackLimit)");
      expect(out.backendsRun).toEqual(["asyncify"]);
      expect(errors).toEqual([]);
    } finally {
      await full.close();
    }
  }, 150_000);

  it("in a browser without JSPI, the jspi rows say so and are not run; asyncify runs", async () => {
    const { page: noJspi, errors } = await browser.newPage();
    try {
      // An engine before Chromium 137: no WebAssembly.Suspending / promising.
      await noJspi.addInitScript(() => {
        delete (WebAssembly as { Suspending?: unknown }).Suspending;
        delete (WebAssembly as { promising?: unknown }).promising;
      });
      await noJspi.goto(`${server.url}/bench/web/?only=mutex-uncontended&reps=1&warmup=0&workers=1`);
      await waitInPage(noJspi, () => ["done", "error"].includes((window as unknown as { vthreadsBench?: BenchState }).vthreadsBench?.state ?? ""), 120, "the mutex-uncontended run");
      const out = await noJspi.evaluate(() => (window as unknown as { vthreadsBenchJson(): BenchState }).vthreadsBenchJson());
      expect(out.machine.jspiInBrowser).toBe(false);
      const rows = out.results.filter((r) => r.variant === "vthreads");
      expect(rows.map((r) => [r.backend, r.status])).toEqual([["asyncify", "ok"], ["jspi", "unavailable"]]);
      expect(rows[1]!.reason).toBe("this browser has no JSPI (WebAssembly.Suspending): Chromium 137 or later has it");
      expect(await noJspi.locator("#env").textContent()).toMatch(/JSPI in this browser: no; backends: asyncify ran;/);
      expect(errors).toEqual([]);
    } finally {
      await noJspi.close();
    }
  }, 150_000);

  it("skynet on the page's runtime: 1,111,111 threads sum to 499999500000 on 1 and on 2 Web Workers", async () => {
    // As a string: vitest would rewrite an import() inside a function it compiles.
    const sums = await page.evaluate(`(async () => {
      const { Runtime } = await import("/dist/host/browser.js");
      const out = [];
      for (const workers of [1, 2]) {
        const rt = await Runtime.start("/build/bench/skynet/skynet.wasm", { workers });
        try {
          out.push(String(await rt.call("skynet", 0, 1_000_000, 10)));
        } finally {
          await rt.close();
        }
      }
      return out;
    })()`);
    expect(sums).toEqual(["499999500000", "499999500000"]);
  }, 120_000);

  it("records when the first result appeared", () => {
    expect(bench.firstResultMs).toBeGreaterThan(0);
    console.log(`benchmark page: first result ${Math.round(bench.firstResultMs!)} ms after navigation start`);
  });

  it("shows the table, one chart per benchmark with results, and a finished progress bar", async () => {
    const okRows = bench.results.filter((r) => r.status === "ok");
    expect(await page.locator("#results-body tr").count()).toBe(bench.results.length);
    expect(await page.locator("#charts svg").count()).toBe(new Set(okRows.map((r) => r.benchmark)).size);
    const progress = await page.locator("#progress").evaluate((p: HTMLProgressElement) => [p.value, p.max]);
    expect(progress[0]).toBe(progress[1]);
    expect(await page.locator("#error").isHidden()).toBe(true);
  });

  it("the Export JSON button downloads the results", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    expect(download.suggestedFilename()).toMatch(/^vthreads-browser-bench-.*\.json$/);
    const json = JSON.parse(await readFile((await download.path())!, "utf8")) as BenchState;
    expect(json.results.length).toBe(bench.results.length);
    expect(json.results.find((r) => r.benchmark === "skynet" && r.variant === "vthreads")?.status).toBe("ok");
    expect(json.results.find((r) => r.benchmark === "skynet" && r.backend === "jspi" && r.workers === 1)?.status).toBe("ok");
  });

  it("the demo parks 100,000 threads while the live view shows them, then releases them", async () => {
    await page.click("#demo");
    // Wait for the demo's end, whichever it is, so that a failure shows its own message rather than a timeout.
    await page.waitForFunction(() => (window as unknown as { demoState: DemoState }).demoState.outcome !== null, null, { timeout: 80_000 });
    const demo = await page.evaluate(() => (window as unknown as { demoState: DemoState }).demoState);
    expect(demo.outcome).toBe("released; the waiters got 100000");
    expect(demo.peakLiveThreads).toBeGreaterThanOrEqual(100_000); // the live view showed them all parked
    expect(await page.locator("#live").textContent()).toContain("no runtime running");
    expect(pageErrors).toEqual([]);
  }, 100_000);

  it("the main thread never called Atomics.wait", async () => {
    expect(await page.evaluate(mainThreadWaits)).toBe(0);
  });

  it("left a screenshot of the page in test-results/", async () => {
    expect((await stat(path.join(RESULTS_DIR, "bench-page.png"))).size).toBeGreaterThan(10_000);
  });
});
