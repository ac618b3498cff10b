// The foundation's runtime (before the collector), built once from git into a temporary directory, so benchmarks can
// run the same guest on the old allocator in the same invocation as the new one. Its host refuses modules of the
// current layout and vice versa, so the foundation variant uses its own host entirely.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SkipError } from "../common.js";
import { repoRoot } from "../vthreads/host.js";

/** The last commit of the foundation's allocator (a bump allocator with size classes, no collector). */
export const FOUNDATION_COMMIT = "e44d3e65721fab9a9b0f8f1b73ade61130304ed0";

let hostPromise = null;

/** The foundation's host module ({ build, Runtime }); SkipError when git or its history is not available. */
export function foundationHost() {
  if (hostPromise === null) hostPromise = load();
  return hostPromise;
}

async function load() {
  const dir = path.join(os.tmpdir(), `vthreads-foundation-${FOUNDATION_COMMIT.slice(0, 12)}`);
  const entry = path.join(dir, "dist", "host", "index.js");
  if (!existsSync(entry)) {
    try {
      mkdirSync(dir, { recursive: true });
      execSync(`git -C "${repoRoot}" archive ${FOUNDATION_COMMIT} | tar -x -C "${dir}"`, { stdio: "pipe" });
      if (!existsSync(path.join(dir, "node_modules"))) symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
      execSync("node node_modules/typescript/bin/tsc -p .", { cwd: dir, stdio: "pipe" });
    } catch (err) {
      throw new SkipError(`cannot build the foundation's runtime from git (${FOUNDATION_COMMIT}): ${String(err?.message ?? err).split("\n")[0]}`);
    }
  }
  // The directory is shared by every checkout on the machine (os.tmpdir()): its node_modules link may point into a
  // worktree that is gone (a dangling link: existsSync is false). Point it at this checkout's node_modules again.
  const modules = path.join(dir, "node_modules");
  if (!existsSync(modules)) {
    try {
      rmSync(modules, { force: true });
      symlinkSync(path.join(repoRoot, "node_modules"), modules);
    } catch (err) {
      throw new SkipError(`the foundation's runtime in ${dir} has no node_modules: ${String(err?.message ?? err).split("\n")[0]}`);
    }
  }
  return import(pathToFileURL(entry).href);
}

/** Builds bench/guest/<guest>.ts with the foundation's toolchain and starts its runtime (kept for the process). */
const runtimes = new Map();
export async function foundationRuntime(guest, workers) {
  const key = `${guest}/${workers}`;
  if (!runtimes.has(key)) {
    runtimes.set(key, (async () => {
      const { build, Runtime } = await foundationHost();
      const out = await build({
        entry: path.join(repoRoot, "bench", "guest", `${guest}.ts`),
        outDir: path.join(repoRoot, "build", "bench-foundation", guest),
      });
      return Runtime.start(out.wasmPath, { workers });
    })());
  }
  return runtimes.get(key);
}
