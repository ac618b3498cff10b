// The benchmark page (bench/web) in Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi: the quick
// suite runs to the end on both backends (Firefox 153 has JSPI), every row verified its result, and the page's main
// thread never blocks. (test/browser/bench-page.test.ts checks the page itself in detail, in Chromium.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS module without types
import { buildWebGuests } from "../../bench/web/server.js";
import {
  countMainThreadWaits, launchFirefox, mainThreadWaits, pollInPage, startServer,
  type BenchState, type Firefox, type FirefoxPage, type Server,
} from "./support.js";

let firefox: Firefox;
let server: Server;
let page: FirefoxPage;
let bench: BenchState;

beforeAll(async () => {
  await buildWebGuests(undefined, { log: () => {} });
  server = await startServer();
  firefox = await launchFirefox();
  page = await firefox.newPage();
  await page.page.evaluateOnNewDocument(countMainThreadWaits);
  await page.goto(`${server.url}/bench/web/?suite=quick`);
  await pollInPage(page, () => ["done", "error"].includes((window as unknown as { vthreadsBench?: BenchState }).vthreadsBench?.state ?? ""), 400, "the quick suite to finish");
  bench = await page.evaluate(() => (window as unknown as { vthreadsBenchJson(): BenchState }).vthreadsBenchJson());
}, 480_000);

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

describe("the benchmark page in Firefox", () => {
  it("is cross-origin isolated and finishes the quick suite without an error; the main thread never waited", async () => {
    expect(bench.machine.crossOriginIsolated).toBe(true);
    expect(bench.error).toBeNull();
    expect(bench.state).toBe("done");
    expect(await page.evaluate(mainThreadWaits)).toBe(0);
    // Open (see the report of issue 16): Firefox logs "uncaught exception: undefined" from a worker when some JSPI
    // runtimes of the page close (pingpong-cross onwards, about one per JSPI row); every result is right, and a
    // runtime closed by hand, with or without a dump in flight, logs nothing. Any other error fails here.
    expect(page.errors.filter((e) => e !== "pageerror: uncaught exception: undefined")).toEqual([]);
  });

  it("every variant verified its result and has a median, on both backends (JSPI limit: Firefox's 14,000)", () => {
    expect(bench.machine.jspiInBrowser).toBe(true);
    expect(bench.machine.jspiStackLimit).toBe(14_000);
    expect(bench.backendsRun).toEqual(["asyncify", "jspi"]);
    const ran = bench.results.filter((r) => r.status !== "skipped" && r.status !== "unavailable");
    expect(ran.length).toBeGreaterThan(10);
    for (const r of ran) {
      const row = `${r.benchmark}/${r.variant}/${r.backend}/${r.workers}`;
      expect({ row, status: r.status, error: r.error }).toEqual({ row, status: "ok", error: undefined });
      expect(r.median).toBeGreaterThan(0);
    }
    // A row not run says why (e.g. more threads at once than the JSPI limit).
    for (const r of bench.results.filter((r) => r.status === "unavailable")) expect(r.reason).toMatch(/\w/);
  });

  it("skynet ran on both backends on 1 up to hardwareConcurrency workers", () => {
    for (const backend of ["asyncify", "jspi"]) {
      const rows = bench.results.filter((r) => r.benchmark === "skynet" && r.variant === "vthreads" && r.backend === backend);
      expect(rows.map((r) => [r.workers, r.status, r.threads])).toEqual(
        Array.from({ length: bench.machine.hardwareConcurrency }, (_, i) => [i + 1, "ok", 11_111]),
      );
    }
  });
});
