// Host calls and built-in I/O in Chromium: the io guest (test/guests/io.ts) on module Web Workers, its host
// functions imported by every worker from a URL relative to the page, fetch from inside a worker to the page's own
// (cross-origin isolated) server, and files refused with a clear message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { openFixturePage, type FixturePage, type Server } from "./support.js";

let server: Server;
let page: Page;

let fixture: FixturePage | undefined;
beforeAll(async () => {
  fixture = await openFixturePage(["io"]);
  ({ server, page } = fixture);
}, 180_000);

afterAll(async () => fixture?.close());

interface Outcome {
  value?: unknown;
  error?: { name: string; message: string; reason?: string };
}

function ioGuest(workers: number) {
  const loaded = page.evaluate(
    ([w]) => (window as never as { guests: { load(g: string, w: number, o: object): Promise<number> } }).guests.load("io", w, { hostModule: "/test/guests/io-host.mjs", allow: { net: [location.origin] } }),
    [workers] as const,
  );
  return async (name: string, ...args: unknown[]): Promise<Outcome> => {
    await loaded;
    return page.evaluate(
      ([w, n, a]) => (window as never as { guests: { call(...x: unknown[]): Promise<Outcome> } }).guests.call("io", w, n, a),
      [workers, name, args] as const,
    );
  };
}

for (const workers of [1, 4]) {
  describe(`host calls in Chromium on ${workers} worker(s)`, () => {
    it("host functions from a hostModule URL: values both ways, 500 concurrent calls, a rejection's message", async () => {
      const call = ioGuest(workers);
      expect(await call("values")).toEqual({ value: "7|-10|5.0|2199023255552|true|HÉLLO|3:250,1|void" });
      expect(await call("concurrentEchoes", 500)).toEqual({ value: { bigint: "124750" } });
      expect((await call("rejecting", "no such page")).error?.reason).toBe("no such page");
    }, 60_000);

    it("fetch from a Web Worker: status and text of a same-origin page; files are refused saying why", async () => {
      const call = ioGuest(workers);
      const got = (await call("get", `${server.url}/test/browser/fixtures/guests.html`)).value as string;
      expect(got.startsWith("200|<!doctype html>")).toBe(true);
      expect((await call("missingFile", "/tmp/x")).error?.reason).toBe(
        "files are not available here: vthreads provides readFile/writeFile on Node only",
      );
      expect(await call("misc")).toEqual({ value: "rt16" });
    }, 60_000);
  });
}
