// Shared by the package tests: the packed tarball (npm pack, as a user's npm would receive it) and npm commands run
// in a temporary project. Installs come from the tarball and npm's cache (--prefer-offline): the toolchain's
// packages are in the cache once this repository's own `npm install` has run.
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const exec = promisify(execFile);

export interface Packed {
  tarball: string;
  /** Paths inside the package, as `npm pack` lists them. */
  files: string[];
  /** The package.json inside the tarball. */
  manifest: { scripts?: Record<string, string>; peerDependencies?: Record<string, string>; [k: string]: unknown };
}

/** Runs a command; on failure the error carries its stdout and stderr, so a failing test shows what npm said. */
export async function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(cmd, args, { cwd, env: { ...process.env, ...env, NO_COLOR: "1" }, maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    err.message += `\n--- stdout\n${err.stdout ?? ""}\n--- stderr\n${err.stderr ?? ""}`;
    throw err;
  }
}

/**
 * Packs this repository into `dir`. --ignore-scripts: the test run has built dist/ already (npm test builds first),
 * and prepack's tsc would rewrite dist/ under the test files running beside this one.
 */
export async function packRepo(dir: string): Promise<Packed> {
  const { stdout } = await sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], REPO_ROOT);
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const tarball = path.join(dir, info.filename);
  const { stdout: pkg } = await sh("tar", ["-xOzf", tarball, "package/package.json"], dir);
  return { tarball, files: info.files.map((f) => f.path), manifest: JSON.parse(pkg) };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `vthreads-${prefix}-`));
}

/** `npm install` in `cwd`, offline-first and quiet. */
export async function npmInstall(cwd: string, args: string[] = []): Promise<{ stdout: string; stderr: string }> {
  return sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...args], cwd);
}
