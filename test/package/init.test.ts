// `npx vthreads init [dir]` end to end, as a user runs it: the packed tarball installed in a folder, its CLI
// scaffolds a new project, whose `npm install && npm test` passes (guest built with the installed toolchain, tested
// with vitest) and whose `npm run dev` serves the page with the isolation headers; Chromium runs it from there.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, waitInPage } from "../browser/support.js";
import { REPO_ROOT, npmInstall, packRepo, sh, tempDir, type Packed } from "./support.js";

let dir: string;
let packed: Packed;
let app: string;

beforeAll(async () => {
  dir = await tempDir("init");
  packed = await packRepo(dir);
  const starter = path.join(dir, "starter");
  await mkdir(starter);
  await writeFile(path.join(starter, "package.json"), JSON.stringify({ name: "starter", private: true, type: "module" }));
  await npmInstall(starter, ["--offline", packed.tarball]);
  app = path.join(dir, "my-app");
  const { stdout } = await sh("npx", ["vthreads", "init", "../my-app"], starter);
  expect(stdout).toContain("next: cd ../my-app && npm install && npm test");
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A TCP port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("vthreads init", () => {
  it("writes an ES module project: guest, editor config, Node host, Vite page with the headers, a test", async () => {
    const pkg = JSON.parse(await readFile(path.join(app, "package.json"), "utf8"));
    expect(pkg.name).toBe("my-app");
    expect(pkg.type).toBe("module");
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["build", "start", "dev", "test"]));
    expect(pkg.devDependencies).toMatchObject(packed.manifest.peerDependencies!);
    expect(await readFile(path.join(app, "src", "guest", "app.ts"), "utf8")).toContain("new ThreadGroup()");
    const tsconfig = JSON.parse(await readFile(path.join(app, "src", "guest", "tsconfig.json"), "utf8"));
    expect(tsconfig.extends).toBe("assemblyscript/std/assembly.json");
    expect(tsconfig.compilerOptions.paths.vthreads).toEqual(["../../node_modules/vthreads/wasm/index.ts"]);
    const vite = await readFile(path.join(app, "vite.config.js"), "utf8");
    expect(vite).toContain(`"Cross-Origin-Opener-Policy": "same-origin"`);
    expect(vite).toContain(`"Cross-Origin-Embedder-Policy": "require-corp"`);
  });

  it("refuses a folder that is not empty, and changes nothing in it", async () => {
    const before = await readFile(path.join(app, "package.json"), "utf8");
    const failed = await sh("npx", ["vthreads", "init", "../my-app"], path.join(dir, "starter")).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/my-app is not empty \(\.gitignore, .*\): init writes a new project into an empty or new folder/);
    expect(await readFile(path.join(app, "package.json"), "utf8")).toBe(before);
  });

  it("npm install && npm test pass in the new project (the guest built by the installed toolchain)", async () => {
    // The package from the tarball (it is not on the registry); the rest from npm's cache.
    await npmInstall(app, [packed.tarball]);
    await npmInstall(app);
    const { stdout } = await sh("npm", ["test"], app);
    expect(stdout).toContain("built build/app.wasm (2 exports)");
    expect(stdout).toMatch(/Tests\s+2 passed/);
    const start = await sh("npm", ["start"], app);
    expect(start.stdout).toContain("1² + ... + 1000² = 333833500n on 4 workers");
  }, 300_000);

  it("the guest's tsconfig lets TypeScript (an editor) read app.ts as AssemblyScript with \"vthreads\" resolved", async () => {
    // TypeScript reports the guest library's own AssemblyScript-only constructs (asc builtins, decorators); what the
    // editor shows for the user's file is what counts: none. With a wrong path it would say "vthreads" has no
    // ThreadGroup, and without asc's types that i32 is unknown.
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const out = await sh("node", [tsc, "-p", "src/guest", "--noEmit"], app).then((r) => r.stdout, (e: { stdout: string }) => e.stdout);
    expect(out.split("\n").filter((line) => line.startsWith("src/guest/"))).toEqual([]);
    expect(out).not.toMatch(/TS2307|TS5083/); // cannot find module / cannot read the extended config
  }, 120_000);

  it("npm run dev serves the page with the isolation headers, and the page runs the guest in Chromium", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Its own process group, so that stopping it stops npm's children (vite) too.
    const dev: ChildProcess = spawn("npm", ["run", "dev", "--", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
      cwd: app,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    dev.stdout!.on("data", (d) => (output += d));
    dev.stderr!.on("data", (d) => (output += d));
    try {
      let page: Response | undefined;
      for (let i = 0; i < 600 && !page; i++) {
        if (dev.exitCode !== null) throw new Error(`npm run dev exited (${dev.exitCode}):\n${output}`);
        page = await fetch(`${url}/`).catch(() => undefined);
        if (!page) await new Promise((r) => setTimeout(r, 200));
      }
      expect(page, `the dev server did not answer:\n${output}`).toBeDefined();
      expect(page!.status).toBe(200);
      expect(page!.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(page!.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
      expect(await page!.text()).toContain(`src="/src/web/main.js"`);

      const browser = await launchChromium();
      try {
        const { page: tab, errors } = await browser.newPage();
        await tab.goto(`${url}/`);
        const result = await waitInPage(tab, () => (window as unknown as { vthreadsApp?: Promise<string> }).vthreadsApp, 60, "the page's app");
        expect(result).toBe("333833500");
        expect(await tab.locator("#out").textContent()).toContain("hello, browser");
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      if (dev.pid !== undefined && dev.exitCode === null) process.kill(-dev.pid, "SIGTERM");
    }
  }, 180_000);
});
