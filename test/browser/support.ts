// Shared by the browser tests: Debian's Chromium driven by playwright-core and Debian's Firefox ESR driven by
// puppeteer-core over WebDriver BiDi (never a downloaded browser), the benchmark page's dev server
// (bench/web/server.js, COOP/COEP on by default), and guests built for the browser.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import puppeteer, { type Browser as PuppeteerBrowser, type Page as PuppeteerPage } from "puppeteer-core";
import { build } from "../../dist/host/toolchain.js";
// @ts-expect-error: plain JS module without types
import { startServer as startBenchServer } from "../../bench/web/server.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Screenshots and other artefacts of a test run (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, "test-results");

export const CHROMIUM = process.env.VTHREADS_CHROMIUM ?? "/usr/bin/chromium";
export const FIREFOX = process.env.VTHREADS_FIREFOX ?? "/usr/bin/firefox-esr";

/** The browsers the tests drive. */
export type BrowserName = "chromium" | "firefox";

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

/** Fails (never skips) with the way to install it when Debian's firefox-esr is not there. */
export function requireFirefox(): void {
  if (!existsSync(FIREFOX)) {
    throw new Error(
      `the Firefox browser tests need Firefox ESR at ${FIREFOX}, which is missing. Install it with \`scripts/setup-browser.sh\` ` +
        "(as root: apt-get install -y firefox-esr), or point VTHREADS_FIREFOX at a Firefox binary. No browser is downloaded.",
    );
  }
}

/** What the tests need of a page in either browser: run a function (with one JSON argument) or an expression in it. */
export interface ScriptablePage {
  evaluate<R, A = undefined>(fn: string | ((arg: A) => R | Promise<R>), arg?: A): Promise<R>;
  goto(url: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A Firefox tab, as puppeteer drives it over WebDriver BiDi; `errors` collects console errors and uncaught exceptions. */
export interface FirefoxPage extends ScriptablePage {
  page: PuppeteerPage;
  errors: string[];
}

export interface Firefox {
  browser: PuppeteerBrowser;
  newPage(): Promise<FirefoxPage>;
  close(): Promise<void>;
}

/** Debian's Firefox ESR, headless, with a fresh profile, over WebDriver BiDi (puppeteer-core; no CDP in Firefox). */
export async function launchFirefox(): Promise<Firefox> {
  requireFirefox();
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    protocol: "webDriverBiDi",
    // Closed network, as for Chromium: no update checks, telemetry or captive-portal probes to wait on.
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.enabled": false,
    },
  });
  return {
    browser,
    async newPage() {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${(e as Error).message ?? String(e)}`));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      return {
        page,
        errors,
        evaluate: <R, A>(fn: string | ((arg: A) => R | Promise<R>), arg?: A) =>
          (arg === undefined ? page.evaluate(fn as string) : page.evaluate(fn as (a: A) => R, arg)) as Promise<R>,
        goto: (url: string) => page.goto(url),
        close: () => page.close(),
      };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Polls `fn` in a page of either browser until it returns a truthy value or `seconds` pass (then fails with `what`). */
export async function pollInPage<T>(page: ScriptablePage, fn: () => T, seconds: number, what: string): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = (await page.evaluate(fn)) as T;
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Browser {
  context: BrowserContext;
  /** A new tab whose console errors and uncaught exceptions are collected in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  /** The last lines of Chromium's log file, for a failure's message. */
  logTail(): string;
  close(): Promise<void>;
}

/** Lines of the browser's log file that `logTail` returns. */
const LOG_LINES = 60;

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  const profile = await mkdtemp(path.join(tmpdir(), "vthreads-chromium-"));
  // Chromium's own log, in the profile: a renderer that dies says why there, if anywhere.
  const logFile = path.join(profile, "chromium.log");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, "--enable-logging", `--log-file=${logFile}`, "--v=0"],
    acceptDownloads: true,
  });
  return {
    context,
    logTail: () => {
      if (!existsSync(logFile)) return "(no log file)";
      const lines = readFileSync(logFile, "utf8").trimEnd().split("\n");
      return lines.filter((l) => !l.includes(":ERROR:dbus/")).slice(-LOG_LINES).join("\n"); // no D-Bus here: noise
    },
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

/** The guests fixture page (test/browser/fixtures/guests.html) with the given guests built, open in a browser. */
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

/** The same fixture page in either browser, seen through what both drivers do alike (ScriptablePage). */
export interface AnyFixturePage {
  browserName: BrowserName;
  page: ScriptablePage;
  errors: string[];
  close(): Promise<void>;
}

export async function openFixturePageIn(browserName: BrowserName, guests: string[]): Promise<AnyFixturePage> {
  if (browserName === "chromium") {
    const fixture = await openFixturePage(guests);
    const page: ScriptablePage = {
      evaluate: <R, A>(fn: string | ((arg: A) => R | Promise<R>), arg?: A) => fixture.page.evaluate(fn as (a: A) => R, arg as A) as Promise<R>,
      goto: (url: string) => fixture.page.goto(url),
      close: () => fixture.page.close(),
    };
    return { browserName, page, errors: fixture.errors, close: () => fixture.close() };
  }
  for (const guest of guests) await buildBrowserGuest(guest);
  const server = await startServer();
  const firefox = await launchFirefox();
  const page = await firefox.newPage();
  await page.goto(`${server.url}/test/browser/fixtures/guests.html`);
  await pollInPage(page, () => (window as unknown as { guestsReady?: boolean }).guestsReady === true, 30, "the fixture page to load");
  return {
    browserName, page, errors: page.errors,
    async close() {
      await page.evaluate(() => (window as unknown as { guests: { closeAll(): Promise<void> } }).guests.closeAll()).catch(() => {});
      await firefox.close();
      await server.close();
    },
  };
}

// --- the benchmark page (bench/web): what its tests read, in Chromium and in Firefox

/** A row of the page's results (`window.vthreadsBenchJson()`). */
export interface BenchRow {
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
  /** threadsAtOnce of the benchmark (vthreads rows). */
  threads?: number;
}

/** `window.vthreadsBenchJson()` of bench/web/app.js. */
export interface BenchState {
  state: string;
  error: string | null;
  firstResultMs: number | null;
  machine: { crossOriginIsolated: boolean; hardwareConcurrency: number; jspiInBrowser: boolean; jspiStackLimit: number };
  backendsRun: string[];
  results: BenchRow[];
}

/**
 * Runs in the page before its own scripts (addInitScript / evaluateOnNewDocument): counts every Atomics.wait on the
 * main thread in `window.mainThreadWaits` (a wait there would block the page; Chromium also forbids it).
 */
export function countMainThreadWaits(): void {
  const w = window as unknown as { mainThreadWaits: number };
  w.mainThreadWaits = 0;
  const wait = Atomics.wait;
  Atomics.wait = function (...args: Parameters<typeof Atomics.wait>) {
    w.mainThreadWaits++;
    return wait.apply(Atomics, args);
  } as typeof Atomics.wait;
}

/** What countMainThreadWaits counted so far (run with the page's evaluate). */
export function mainThreadWaits(): number {
  return (window as unknown as { mainThreadWaits: number }).mainThreadWaits;
}
