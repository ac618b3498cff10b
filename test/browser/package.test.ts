// One package for Node and browsers: the "browser" export condition picks dist/host/browser.js, whose module graph
// (the Web Worker's included) imports no node: module; Node gets dist/host/index.js. No browser needed here.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support.js";

const run = promisify(execFile);

/** Every module reachable from `entry` by static or dynamic import with a literal specifier, and the specifiers. */
async function moduleGraph(entry: string): Promise<{ files: string[]; specifiers: string[] }> {
  const files = new Set<string>();
  const specifiers = new Set<string>();
  const visit = async (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const code = await readFile(file, "utf8");
    const found = [
      ...code.matchAll(/(?:^|[\s;])(?:import|export)\s[^"']*?from\s*["']([^"']+)["']/g),
      ...code.matchAll(/(?:^|[\s;])import\s*["']([^"']+)["']/g),
      ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ...code.matchAll(/new URL\(\s*["'](\.[^"']+\.js)["']\s*,\s*import\.meta\.url\s*\)/g), // worker scripts
    ].map((m) => m[1]);
    for (const s of found) {
      specifiers.add(s);
      if (s.startsWith(".")) await visit(path.resolve(path.dirname(file), s));
    }
  };
  await visit(entry);
  return { files: [...files].map((f) => path.relative(REPO_ROOT, f)), specifiers: [...specifiers] };
}

describe("the package's entries", () => {
  it("the browser entry's module graph, with its Web Worker, has no node: or bare imports and no toolchain", async () => {
    const { files, specifiers } = await moduleGraph(path.join(REPO_ROOT, "dist", "host", "browser.js"));
    expect(files).toContain("dist/host/workers/web-worker.js");
    expect(files).toContain("dist/host/workers/core.js");
    expect(specifiers.filter((s) => !s.startsWith("."))).toEqual([]);
    expect(files.filter((f) => /toolchain\/(build|compile|postprocess)|workers\/pool\.js|node-worker|platform\/node/.test(f))).toEqual([]);
  });

  it("Node resolves \"vthreads\" to the Node entry, the browser condition to the browser entry, each with its types", async () => {
    const resolve = async (conditions: string[]) => {
      const args = [...conditions.map((c) => `--conditions=${c}`), "--input-type=module", "-e", 'console.log(import.meta.resolve("vthreads"))'];
      return (await run(process.execPath, args, { cwd: REPO_ROOT })).stdout.trim();
    };
    expect(await resolve([])).toMatch(/\/dist\/host\/index\.js$/);
    expect(await resolve(["browser"])).toMatch(/\/dist\/host\/browser\.js$/);
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect(pkg.exports["."].browser.types).toBe("./dist/host/browser.d.ts");
    expect(pkg.exports["."].types).toBe("./dist/host/index.d.ts");
  });

  it("both entries export the same runtime API; neither has the toolchain, which is vthreads/toolchain", async () => {
    const node = await import(path.join(REPO_ROOT, "dist", "host", "index.js"));
    const toolchain = await import(path.join(REPO_ROOT, "dist", "host", "toolchain.js"));
    const browserTypes = await readFile(path.join(REPO_ROOT, "dist", "host", "browser.d.ts"), "utf8");
    for (const name of ["Runtime", "ThreadFailure", "RuntimeClosedError", "ModuleError", "CrossOriginIsolationError"]) {
      expect(typeof node[name]).toBe("function");
      expect(browserTypes).toContain(name);
    }
    expect(node.build).toBeUndefined();
    expect(browserTypes).not.toMatch(/\bbuild\b/);
    expect(typeof toolchain.build).toBe("function");
    expect(typeof toolchain.BuildError).toBe("function");
  });
});
