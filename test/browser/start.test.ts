// Runtime.start in Chromium takes every kind of source a page has: a URL string (relative to the page), a URL, a
// fetch Response (compiled while it streams), bytes, a compiled WebAssembly.Module; and a source that is not a module
// gets a ModuleError that says why. Also: the default worker count is navigator.hardwareConcurrency.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { REPO_ROOT, buildBrowserGuest, launchChromium, startServer, waitInPage, type Browser, type Server } from "./support.js";

let browser: Browser;
let server: Server;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  await buildBrowserGuest("basics", path.join(REPO_ROOT, "build", "test", "browser", "start"));
  server = await startServer();
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await browser.newPage());
  await page.goto(`${server.url}/test/browser/fixtures/guests.html`);
  await waitInPage(page, () => (window as unknown as { guestsReady?: boolean }).guestsReady === true, 30, "the fixture page to load");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Starts a runtime on the source `make` builds in the page, calls add(2, 0.5), closes; or returns the error. */
function startWith(make: string, workers?: number): Promise<{ result?: number; workers?: number; error?: { name: string; message: string } }> {
  return page.evaluate(
    async ([code, w]) => {
      type Started = { call(n: string, ...a: unknown[]): Promise<number>; workerCount: number; close(): Promise<void> };
      const { Runtime } = (window as unknown as { guests: { Runtime: { start(s: unknown, o?: object): Promise<Started> } } }).guests;
      const wasm = "/build/test/browser/start/basics.wasm";
      try {
        const source = await new Function("wasm", `return (async () => ${code})()`)(wasm);
        const rt = await Runtime.start(source, w === null ? undefined : { workers: w });
        try {
          return { result: await rt.call("add", 2, 0.5), workers: rt.workerCount };
        } finally {
          await rt.close();
        }
      } catch (e) {
        return { error: { name: (e as Error).name, message: (e as Error).message } };
      }
    },
    [make, workers ?? null] as const,
  );
}

describe("Runtime.start in Chromium", () => {
  const sources: [string, string][] = [
    ["a URL string relative to the page", `"../../../build/test/browser/start/basics.wasm"`],
    ["an absolute path", `wasm`],
    ["a URL object", `new URL(wasm, location.href)`],
    ["a fetch Response (compileStreaming)", `fetch(wasm)`],
    ["an ArrayBuffer", `(await fetch(wasm)).arrayBuffer()`],
    ["a Uint8Array", `new Uint8Array(await (await fetch(wasm)).arrayBuffer())`],
    ["a WebAssembly.Module", `WebAssembly.compileStreaming(fetch(wasm))`],
  ];
  for (const [what, code] of sources) {
    it(`accepts ${what}`, async () => {
      expect(await startWith(code, 2)).toEqual({ result: 2.5, workers: 2 });
    }, 60_000);
  }

  it("without a worker count, starts navigator.hardwareConcurrency workers", async () => {
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await startWith("wasm")).toEqual({ result: 2.5, workers: cores });
  }, 60_000);

  it("a URL that is not found: ModuleError with the HTTP status", async () => {
    const out = await startWith(`"/build/test/browser/start/missing.wasm"`, 1);
    expect(out.error?.name).toBe("ModuleError");
    expect(out.error?.message).toMatch(/^cannot load http:\/\/.*\/missing\.wasm: HTTP 404/);
  }, 60_000);

  it("a page that is not Wasm: ModuleError saying it does not start with \\0asm", async () => {
    const out = await startWith(`"/test/browser/fixtures/guests.html"`, 1);
    expect(out.error?.name).toBe("ModuleError");
    expect(out.error?.message).toMatch(/not a WebAssembly module: http:\/\/.*guests\.html does not start with the bytes \\0asm/);
  }, 60_000);

  it("a worker script that cannot load (a bundle without it): Runtime.start rejects, naming it, instead of hanging", async () => {
    await page.route("**/workers/web-worker.js", (route) => route.fulfill({ status: 404, body: "not found" }));
    try {
      const out = await startWith("wasm", 2);
      expect(out.error?.name).toBe("ModuleError");
      expect(out.error?.message).toMatch(/^worker \d died while starting: worker \d could not load its script \(web-worker\.js\)/);
    } finally {
      await page.unroute("**/workers/web-worker.js");
    }
    expect(await startWith("wasm", 1)).toEqual({ result: 2.5, workers: 1 });
  }, 60_000);

  it("the page logged no errors", () => {
    expect(pageErrors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});
