// The core of the runtime tests, in Chromium and in Firefox ESR: the guests are built in Node, loaded UNBUNDLED
// through their generated bindings (an import map points "vthreads" at dist/host/browser.js), and run on module Web
// Workers sharing one memory. On both backends: Asyncify (<guest>.wasm) and JSPI (<guest>.jspi.wasm: Chromium 137+,
// and Firefox ESR 153 has it too), each checked to be the one that runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFixturePageIn, type AnyFixturePage, type BrowserName, type ScriptablePage } from "./support.js";

const BROWSERS: BrowserName[] = ["chromium", "firefox"];
const TITLE: Record<BrowserName, string> = { chromium: "Chromium", firefox: "Firefox" };

const BACKENDS = ["asyncify", "jspi"] as const;
type Backend = (typeof BACKENDS)[number];

const GUESTS = ["basics", "spawn-types", "stacks", "failures", "program"];
/** RuntimeOptions.jspiStackLimit's default in each browser (host/platform/browser.ts). */
const JSPI_LIMITS: Record<BrowserName, number> = { chromium: 18_000, firefox: 14_000 };

/** The page of the browser whose tests run now (each browser's describe block opens its own). */
let page: ScriptablePage;
let pageErrors: string[];

type Encoded = unknown;
interface Outcome {
  value?: Encoded;
  error?: { name: string; message: string; reason?: string; thread?: number; isThreadFailure: boolean };
}

/** bigints cross as { bigint: "..." } */
const big = (v: bigint) => ({ bigint: v.toString() });

interface Guests {
  load(g: string, w: number, o: object): Promise<number>;
  backendOf(g: string, w: number, b: string): { backend: string; reason: string };
  call(...x: unknown[]): Promise<Outcome>;
}

/** The guest's runtime on `workers` workers and `backend`, through its generated bindings (load({ backend })). */
function guestOn(guest: string, workers: number, backend: Backend) {
  const loaded = page.evaluate(([g, w, b]) => (window as never as { guests: Guests }).guests.load(g, w, { backend: b }), [guest, workers, backend] as const);
  return {
    loaded,
    /** rt.backend and rt.backendReason of that runtime. */
    async backend() {
      await loaded;
      return page.evaluate(([g, w, b]) => (window as never as { guests: Guests }).guests.backendOf(g, w, b), [guest, workers, backend] as const);
    },
    async call(name: string, ...args: unknown[]): Promise<Outcome> {
      await loaded;
      return page.evaluate(
        ([g, w, n, a, b]) => (window as never as { guests: Guests }).guests.call(g, w, n, a, b),
        [guest, workers, name, args, backend] as const,
      );
    },
  };
}

/** What one `descend(1, depth, yields, seed)` of test/guests/stacks.ts returns (as in test/runtime/stacks.test.ts). */
function expectedDescend(depth: number, yields: number, seed: number): bigint {
  let total = BigInt((yields * (yields - 1)) / 2);
  for (let d = 1; d <= depth; d++) total += 4n * (BigInt(d) * 1_000_003n + BigInt(seed) * 7n + BigInt(d * d)) + BigInt(d ^ 0x55);
  return total;
}

for (const browserName of BROWSERS) describe(`guests in ${TITLE[browserName]}`, () => {
  let fixture: AnyFixturePage | undefined;
  beforeAll(async () => {
    fixture = await openFixturePageIn(browserName, GUESTS);
    page = fixture.page;
    pageErrors = fixture.errors;
  }, 180_000);
  afterAll(async () => fixture?.close());

  for (const backend of BACKENDS) {
    describe(`${backend} backend`, () => {
      if (backend === "jspi") {
        it(`this ${TITLE[browserName]} has JSPI (WebAssembly.Suspending and promising)`, async () => {
          expect(await page.evaluate(() => typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function")).toBe(true);
        });
      }
      for (const workers of [1, 4]) {
        describe(`${workers} worker(s)`, () => {
          it("basics: numbers, strings, 1,000 spawned threads joined by a group, sleep", async () => {
            const g = guestOn("basics", workers, backend);
            expect(await g.loaded).toBe(workers);
            expect(await g.backend()).toEqual({ backend, reason: `asked for ${backend}` });
            expect(await g.call("add", 2, 0.5)).toEqual({ value: 2.5 });
            expect(await g.call("greet", "web worker")).toEqual({ value: "hello, web worker" });
            expect(await g.call("fanOut", 1000)).toEqual({ value: big(999_000n) });
            const slept = await g.call("sleepFor", 30);
            expect(slept.value as number).toBeGreaterThanOrEqual(30);
          }, 60_000);

          it("spawn-types: every argument and result type crosses into a child thread and back", async () => {
            const g = guestOn("spawn-types", workers, backend);
            expect((await g.backend()).backend).toBe(backend);
            expect(await g.call("viaI64", big(2n ** 62n + 12345n))).toEqual({ value: big(-(2n ** 62n + 12345n)) });
            expect(await g.call("viaString", "héllo wörld")).toEqual({ value: 11 });
            expect(await g.call("viaArray", [1, -2, 2_000_000_000, 2_000_000_000])).toEqual({ value: big(3_999_999_999n) });
            expect(await g.call("viaStringResult", "hey")).toEqual({ value: "hey!" });
            expect(await g.call("viaBool", true)).toEqual({ value: false });
          }, 60_000);

          it("stacks: 8 threads suspend 200 times 12 frames deep and resume with every frame intact", async () => {
            const g = guestOn("stacks", workers, backend);
            expect((await g.backend()).backend).toBe(backend);
            let expected = 0n;
            for (let seed = 1; seed <= 8; seed++) expected += expectedDescend(12, 200, seed);
            expect(await g.call("deepYield", 8, 12, 200)).toEqual({ value: big(expected) });
          }, 60_000);

          it("stacks: unbounded recursion fails only its thread with \"stack overflow\"; the runtime answers the next call", async () => {
            const g = guestOn("stacks", workers, backend);
            expect((await g.backend()).backend).toBe(backend);
            const out = await g.call("overflow");
            expect(out.error?.isThreadFailure).toBe(true);
            expect(out.error?.message).toMatch(/^thread \d+ \(root of "overflow"\) failed: .*stack overflow/);
            expect((await g.call("deepestFrame")).value as number).toBeGreaterThan(1000);
            expect(await g.call("deepYieldInRoot", 12, 20, 5)).toEqual({ value: big(expectedDescend(12, 20, 5)) });
          }, 60_000);

          it("failures: a trap, a throw and an abort fail their call with a ThreadFailure naming the problem; nothing runs past them", async () => {
            const g = guestOn("failures", workers, backend);
            expect((await g.backend()).backend).toBe(backend);
            const cases: [number, RegExp][] = [
              [0, /^trap: unreachable( executed)? \(in [^)]*failures\/failNow/], // Firefox says "unreachable executed"
              [2, /^boom from kind 2 \(at .*failures\.ts:\d+:\d+\)$/],
              [3, /^aborted on purpose$/],
              [4, /^trap: (memory access|index) out of bounds/], // Firefox: "index out of bounds"
            ];
            for (const [kind, reason] of cases) {
              const out = await g.call("failRoot", kind, 0);
              expect(out.error?.name).toBe("ThreadFailure");
              expect(out.error?.reason).toMatch(reason);
              expect(await g.call("ranAfterFailure")).toEqual({ value: 0 });
            }
            const joined = await g.call("joinFailedChild", 2, 0);
            expect(joined.error?.reason).toMatch(/^thread \d+ failed: boom from kind 2/);
            expect(await g.call("succeed", 7)).toEqual({ value: 21 });
          }, 60_000);
        });
      }

      if (backend === "jspi") {
        const JSPI_LIMIT = JSPI_LIMITS[browserName];
        it(`jspi: a thread beyond the browser's limit of threads with a stack (${JSPI_LIMIT}) fails naming it; the tab lives and the runtime answers the next call`, async () => {
          // Without the limit the renderer dies (V8 cannot map another stack) at 21,000-22,000 stacks in Chromium 156;
          // Firefox ESR 153's content process at 16,000-16,500.
          // As a string: vitest would rewrite an import() inside a function it compiles.
          expect(await page.evaluate(`import("/dist/host/browser.js").then((m) => m.DEFAULT_JSPI_STACK_LIMIT)`)).toBe(JSPI_LIMIT);
          const g = guestOn("stacks", 1, backend);
          // JSPI_LIMIT + 1 threads sleeping a minute: all are started long before the first would wake. The failure
          // cancels the others at once.
          const out = await g.call("sleepers", JSPI_LIMIT + 1, 60_000);
          expect(out.error?.isThreadFailure).toBe(true);
          expect(out.error?.message).toMatch(new RegExp(`cannot start the thread: the JSPI backend holds at most ${JSPI_LIMIT} threads with a stack \\(RuntimeOptions\\.jspiStackLimit\\)`));
          expect(await g.call("deepYield", 8, 12, 20)).toEqual({ value: big([1, 2, 3, 4, 5, 6, 7, 8].reduce((t, seed) => t + expectedDescend(12, 20, seed), 0n)) });
        }, 120_000);
      }

      for (const workers of [1, 4]) {
        it(`program: module variables are one per program, top-level code ran once, std conversions exact (${workers} worker(s))`, async () => {
          const g = guestOn("program", workers, backend);
          expect((await g.backend()).backend).toBe(backend);
          const runs: unknown[] = [];
          for (let i = 0; i < 3; i++) runs.push((await g.call("run", 50, 20)).value);
          expect(runs).toEqual([1000, 2000, 3000]);
          expect(await g.call("topLevelRuns")).toEqual({ value: 1 });
          expect(await g.call("statics", 20)).toEqual({ value: "200 400 20" });
          expect(await g.call("conversions", 8, 2_000)).toEqual({ value: 0 });
          expect(await g.call("atomics", 8, 500)).toEqual({ value: "4000 12000 1" });
        }, 60_000);
      }

      it("the page logged no errors", () => {
        expect(pageErrors).toEqual([]);
      });
    });
  }
});
