// The benchmark page in Debian's Chromium: served cross-origin isolated by the dev server, it runs the quick suite
// (every variant checks its own result, e.g. skynet's sum, and fails on a wrong one), shows the table and charts,
// exports JSON, never calls Atomics.wait on the main thread, and leaves a screenshot in test-results/.
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
// @ts-expect-error: plain JS module without types
import { buildWebGuests } from "../../bench/web/server.js";
import { RESULTS_DIR, launchChromium, startServer, waitInPage, type Browser, type Server } from "./support.js";

interface Row {
  benchmark: string;
  variant: string;
  backend: string;
  workers: number;
  status: string;
  median?: number;
  ratio?: number;
  unit: string;
  error?: string;
  reason?: string;
}
interface BenchState {
  state: string;
  error: string | null;
  firstResultMs: number | null;
  machine: { crossOriginIsolated: boolean; hardwareConcurrency: number; jspiInBrowser: boolean };
  results: Row[];
}
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

beforeAll(async () => {
  await buildWebGuests(undefined, { log: () => {} });
  server = await startServer();
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await browser.newPage());
  // Record any Atomics.wait on the page's main thread (it would block the page; Chromium also forbids it there).
  await page.addInitScript(() => {
    const w = window as unknown as { mainThreadWaits: number };
    w.mainThreadWaits = 0;
    const wait = Atomics.wait;
    Atomics.wait = function (...args: Parameters<typeof Atomics.wait>) {
      w.mainThreadWaits++;
      return wait.apply(Atomics, args);
    } as typeof Atomics.wait;
  });
  await page.goto(`${server.url}/bench/web/?suite=quick`);
  await waitInPage(page, () => ["done", "error"].includes((window as unknown as { vthreadsBench?: BenchState }).vthreadsBench?.state ?? ""), 300, "the quick suite to finish");
  bench = await page.evaluate(() => (window as unknown as { vthreadsBenchJson(): BenchState }).vthreadsBenchJson());
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, "bench-page.png"), fullPage: true });
}, 360_000);

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

  it("skynet ran on the asyncify backend on 1 up to hardwareConcurrency workers, each beside async/await with a ratio", () => {
    const skynet = rowsOf("skynet");
    expect(skynet.find((r) => r.variant === "async-await")?.status).toBe("ok");
    const workers = skynet.filter((r) => r.variant === "vthreads" && r.backend === "asyncify").map((r) => r.workers);
    expect(workers).toEqual(Array.from({ length: bench.machine.hardwareConcurrency }, (_, i) => i + 1));
    for (const r of skynet.filter((r) => r.backend === "asyncify")) expect(r.ratio).toBeGreaterThan(0);
  });

  it("the JSPI backend is listed for every vthreads variant as not available in this build", () => {
    const jspi = bench.results.filter((r) => r.backend === "jspi");
    expect(jspi.length).toBe(bench.results.filter((r) => r.backend === "asyncify").length);
    for (const r of jspi) {
      expect(r.status).toBe("unavailable");
      expect(r.reason).toMatch(/not available in this build/);
    }
    expect(bench.machine.jspiInBrowser).toBe(true); // Chromium 137+ has WebAssembly.Suspending: ready for issue 5
  });

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
    expect(await page.evaluate(() => (window as unknown as { mainThreadWaits: number }).mainThreadWaits)).toBe(0);
  });

  it("left a screenshot of the page in test-results/", async () => {
    expect((await stat(path.join(RESULTS_DIR, "bench-page.png"))).size).toBeGreaterThan(10_000);
  });
});
