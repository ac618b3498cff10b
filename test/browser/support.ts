// Shared by the browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser), the
// benchmark page's dev server (bench/web/server.js, COOP/COEP on by default), and guests built for the browser.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { build } from "../../dist/host/toolchain.js";
// @ts-expect-error: plain JS module without types
import { startServer as startBenchServer } from "../../bench/web/server.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Screenshots and other artefacts of a test run (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, "test-results");

export const CHROMIUM = process.env.VTHREADS_CHROMIUM ?? "/usr/bin/chromium";

/**
 * The network is closed here: background networking, component updates, sync and QUIC would make Chromium wait on
 * refused connections. A fresh profile per launch.
 */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // CI containers often have a tiny /dev/shm, which makes Chromium's renderers crash; use /tmp instead.
  "--disable-dev-shm-usage",
];

/** Fails (never skips) with the way to install it when Debian's chromium is not there. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM}, which is missing. Install it with \`scripts/setup-browser.sh\` ` +
        "(as root: apt-get install -y chromium), or point VTHREADS_CHROMIUM at a Chromium binary. " +
        "No browser is downloaded (no `npx playwright install`).",
    );
  }
}

export interface Browser {
  context: BrowserContext;
  /** A new tab whose console errors and uncaught exceptions are collected in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  const profile = await mkdtemp(path.join(tmpdir(), "vthreads-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      return { page, errors };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface Server {
  url: string;
  close(): Promise<void>;
}

/** The dev server of bench/web over the repository (or `root`), with the isolation headers it is told to send. */
export function startServer(options: { root?: string; isolation?: { coop: boolean; coep: boolean } } = {}): Promise<Server> {
  return startBenchServer({ port: 0, ...options });
}

/** Builds test/guests/<guest>.ts into build/test/browser/<guest>/ (served at /build/test/browser/<guest>/). */
export async function buildBrowserGuest(guest: string, outDir = path.join(REPO_ROOT, "build", "test", "browser", guest)): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const out = await build({ entry: path.join(REPO_ROOT, "test", "guests", `${guest}.ts`), outDir });
  return out.wasmPath;
}

/** Polls `fn` in the page until it returns a truthy value or `seconds` pass (then fails with `what`). */
export async function waitInPage<T>(page: Page, fn: () => T, seconds: number, what: string): Promise<T> {
  const handle = await page.waitForFunction(fn, undefined, { timeout: seconds * 1000, polling: 100 }).catch((e: Error) => {
    throw new Error(`${what}: not within ${seconds} s (${e.message.split("\n")[0]})`);
  });
  return (await handle.jsonValue()) as T;
}

/** The guests fixture page (test/browser/fixtures/guests.html) with the given guests built, open in Chromium. */
export interface FixturePage {
  browser: Browser;
  server: Server;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** Closes the page's runtimes, the browser and the server. */
  close(): Promise<void>;
}

export async function openFixturePage(guests: string[]): Promise<FixturePage> {
  for (const guest of guests) await buildBrowserGuest(guest);
  const server = await startServer();
  const browser = await launchChromium();
  const { page, errors } = await browser.newPage();
  await page.goto(`${server.url}/test/browser/fixtures/guests.html`);
  await waitInPage(page, () => (window as unknown as { guestsReady?: boolean }).guestsReady === true, 30, "the fixture page to load");
  return {
    browser, server, page, errors,
    async close() {
      await page.evaluate(() => (window as unknown as { guests: { closeAll(): Promise<void> } }).guests.closeAll()).catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}
