// The runtime and the toolchain are separate entries: importing "vthreads" (Node) or "vthreads/browser" loads no
// module of the AssemblyScript compiler or of binaryen, and neither does importing "vthreads/toolchain" until its
// build() is called. Checked on the modules Node really loads (loader hooks log every URL), in a child process.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const HOOKS = path.join(import.meta.dirname, "register-load-hooks.mjs");
const COMPILER = /\/node_modules\/(assemblyscript|binaryen|long)\//;
/** The toolchain's modules (the value types the runtime's marshalling shares with it are in abi/types.js). */
const TOOLCHAIN = /\/dist\/host\/toolchain(\.js|\/)/;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "vthreads-entries-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs `code` as an ES module in the repository (so "vthreads" resolves to this package) and returns what it loaded. */
async function loadedBy(code: string): Promise<{ urls: string[]; stdout: string }> {
  const log = path.join(tmp, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const { stdout } = await run(process.execPath, ["--import", HOOKS, "--input-type=module", "-e", code], {
    cwd: REPO_ROOT,
    env: { ...process.env, VTHREADS_LOADED_LOG: log },
  });
  const urls = (await readFile(log, "utf8")).split("\n").filter(Boolean);
  return { urls, stdout };
}

describe("importing the runtime loads no toolchain", () => {
  it('import("vthreads") loads the runtime and nothing of asc or binaryen', async () => {
    const { urls, stdout } = await loadedBy(`const m = await import("vthreads"); console.log(typeof m.Runtime.start, "build" in m);`);
    expect(stdout.trim()).toBe("function false");
    expect(urls.some((u) => u.endsWith("/dist/host/runtime/runtime.js"))).toBe(true);
    expect(urls.filter((u) => COMPILER.test(u))).toEqual([]);
    expect(urls.filter((u) => TOOLCHAIN.test(u))).toEqual([]);
  });

  it('import("vthreads/browser") loads nothing of asc, binaryen or the toolchain either', async () => {
    const { urls } = await loadedBy(`const m = await import("vthreads/browser"); console.log(typeof m.Runtime);`);
    expect(urls.some((u) => u.endsWith("/dist/host/browser.js"))).toBe(true);
    expect(urls.filter((u) => COMPILER.test(u) || TOOLCHAIN.test(u))).toEqual([]);
  });

  it('import("vthreads/toolchain") loads the compiler only when build() is called', async () => {
    const imported = await loadedBy(`const m = await import("vthreads/toolchain"); console.log(typeof m.build, typeof m.BuildError);`);
    expect(imported.stdout.trim()).toBe("function function");
    expect(imported.urls.filter((u) => COMPILER.test(u))).toEqual([]);

    const outDir = path.join(tmp, "built");
    const entry = path.join(REPO_ROOT, "test", "guests", "plain.ts");
    const built = await loadedBy(
      `const { build } = await import("vthreads/toolchain"); const r = await build({ entry: ${JSON.stringify(entry)}, outDir: ${JSON.stringify(outDir)}, backends: ["asyncify"] }); console.log(r.manifest.exports.length > 0);`,
    );
    expect(built.stdout.trim()).toBe("true");
    expect(built.urls.some((u) => /\/node_modules\/assemblyscript\//.test(u))).toBe(true);
    expect(built.urls.some((u) => /\/node_modules\/binaryen\//.test(u))).toBe(true);
  });
});
