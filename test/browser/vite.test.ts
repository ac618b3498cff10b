// The package bundled by Vite: a sample app imports "vthreads" by name (resolved through package.json's "browser"
// export condition) and a guest's generated bindings; Vite builds it during the test, and Chromium runs the bundle
// (the runtime, its module Web Worker chunk and the .wasm asset) from a server with the isolation headers.
import { mkdir, readdir, readFile, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build as viteBuild } from "vite";
import { REPO_ROOT, buildBrowserGuest, launchChromium, startServer, waitInPage, type Browser, type Server } from "./support.js";

const APP = path.join(REPO_ROOT, "test", "browser", "vite-app");
const DIST = path.join(APP, "dist");

let browser: Browser;
let server: Server;
let files: string[];

beforeAll(async () => {
  await buildBrowserGuest("basics", path.join(APP, "build"));
  // The app finds the package as an installed dependency would be: node_modules/vthreads (here a link to this repo).
  await mkdir(path.join(APP, "node_modules"), { recursive: true });
  await rm(path.join(APP, "node_modules", "vthreads"), { force: true });
  await symlink(REPO_ROOT, path.join(APP, "node_modules", "vthreads"), "dir");
  try {
    await viteBuild({ root: APP, configFile: false, logLevel: "warn", build: { outDir: DIST, emptyOutDir: true } });
  } finally {
    // A link to the repository inside it would make tools that walk the tree go round in circles.
    await rm(path.join(APP, "node_modules"), { recursive: true, force: true });
  }
  files = await listFiles(DIST);
  server = await startServer({ root: DIST });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(path.relative(DIST, p));
  }
  return out;
}

describe("vthreads bundled by Vite", () => {
  it("the bundle has the page's script, a separate Web Worker chunk and the guest's .wasm, and no node: import", async () => {
    const js = files.filter((f) => f.endsWith(".js"));
    expect(files.filter((f) => f.endsWith(".wasm"))).toHaveLength(1);
    expect(js.some((f) => /web-worker/.test(f))).toBe(true);
    for (const f of js) {
      const code = await readFile(path.join(DIST, f), "utf8");
      expect({ file: f, nodeImport: /["']node:[a-z_/]+["']/.exec(code)?.[0] ?? null }).toEqual({ file: f, nodeImport: null });
      expect(code).not.toContain("worker_threads");
    }
  });

  it("runs in Chromium: 1,000 threads on 2 Web Workers through the generated bindings", async () => {
    const { page, errors } = await browser.newPage();
    try {
      await page.goto(`${server.url}/index.html`);
      const result = await waitInPage(
        page,
        () => (window as unknown as { viteApp?: Promise<unknown> }).viteApp,
        60,
        "the app to start",
      ).then(() => page.evaluate(() => (window as unknown as { viteApp: Promise<unknown> }).viteApp));
      expect(result).toEqual({ sum: "999000", greeting: "hello, vite", workers: 2, sameRuntime: true });
      expect(await page.locator("#out").textContent()).toContain('"sum":"999000"');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
