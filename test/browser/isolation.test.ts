// A page served without the cross-origin isolation headers: the runtime refuses to start with an error that names
// exactly the missing header(s), on the benchmark page and through Runtime.start itself, instead of failing later
// (or hanging) when it tries to share its memory with the workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { REPO_ROOT, buildBrowserGuest, launchChromium, startServer, waitInPage, type Browser, type Server } from "./support.js";

const COOP = "Cross-Origin-Opener-Policy: same-origin";
const COEP = "Cross-Origin-Embedder-Policy: require-corp";

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  // Its own output folder: test files run in parallel, and a reader must never see another file's half-written build.
  await buildBrowserGuest("basics", path.join(REPO_ROOT, "build", "test", "browser", "isolation"));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(coop: boolean, coep: boolean): Promise<Server> {
  const server = await startServer({ isolation: { coop, coep } });
  servers.push(server);
  return server;
}

interface StartOutcome {
  isolated: boolean;
  name?: string;
  message?: string;
  missingHeaders?: string[];
}

/** Runtime.start on a page of `server`, from the page itself. */
async function startOn(server: Server): Promise<StartOutcome> {
  const { page } = await browser.newPage();
  try {
    await page.goto(`${server.url}/test/browser/fixtures/guests.html`);
    await waitInPage(page, () => (window as unknown as { guestsReady?: boolean }).guestsReady === true, 30, "the fixture page to load");
    return await page.evaluate(async () => {
      const { Runtime } = (window as unknown as { guests: { Runtime: { start(s: string, o: object): Promise<{ close(): Promise<void> }> } } }).guests;
      const isolated = crossOriginIsolated;
      try {
        const rt = await Runtime.start("/build/test/browser/isolation/basics.wasm", { workers: 1 });
        await rt.close();
        return { isolated };
      } catch (e) {
        const err = e as Error & { missingHeaders?: string[] };
        return { isolated, name: err.name, message: err.message, missingHeaders: err.missingHeaders };
      }
    });
  } finally {
    await page.close();
  }
}

describe("a page that is not cross-origin isolated", () => {
  it("without COOP: Runtime.start rejects with CrossOriginIsolationError naming Cross-Origin-Opener-Policy only", async () => {
    const out = await startOn(await serve(false, true));
    expect(out.isolated).toBe(false);
    expect(out.name).toBe("CrossOriginIsolationError");
    expect(out.missingHeaders).toEqual([COOP]);
    expect(out.message).toContain(`its response is missing ${COOP} (absent)`);
    expect(out.message).not.toContain(`missing ${COEP}`);
  }, 60_000);

  it("without COEP: names Cross-Origin-Embedder-Policy only", async () => {
    const out = await startOn(await serve(true, false));
    expect(out.name).toBe("CrossOriginIsolationError");
    expect(out.missingHeaders).toEqual([COEP]);
    expect(out.message).toContain(`its response is missing ${COEP} (absent)`);
  }, 60_000);

  it("without both: names both headers", async () => {
    const out = await startOn(await serve(false, false));
    expect(out.name).toBe("CrossOriginIsolationError");
    expect(out.missingHeaders).toEqual([COOP, COEP]);
  }, 60_000);

  it("with both headers, the same page starts a runtime", async () => {
    const out = await startOn(await serve(true, true));
    expect(out).toEqual({ isolated: true });
  }, 60_000);

  it("the benchmark page served without COOP stops at once and shows the runtime's error", async () => {
    const server = await serve(false, true);
    const { page } = await browser.newPage();
    try {
      await page.goto(`${server.url}/bench/web/`);
      await waitInPage(page, () => (window as unknown as { vthreadsBench?: { state: string } }).vthreadsBench?.state === "error", 60, "the page to report the error");
      const shown = await page.locator("#error").textContent();
      expect(shown).toMatch(/^CrossOriginIsolationError: vthreads needs a cross-origin isolated page/);
      expect(shown).toContain(`missing ${COOP}`);
      expect(await page.locator("#error").isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  }, 90_000);
});
