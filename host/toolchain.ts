// vthreads/toolchain, the build side: `build()` compiles an AssemblyScript guest with the vthreads runtime into Wasm
// plus typed ESM bindings. Kept apart from the runtime entries (index.ts, browser.ts) so that a host which only runs
// prebuilt modules loads no compiler: the AssemblyScript compiler and binaryen are optional peer dependencies, loaded
// by the first build() call, and a missing one is reported with the command that installs it.

import { readFileSync } from "node:fs";
import { BuildError } from "./toolchain/errors.js";
import type { BuildOptions, BuildResult } from "./toolchain/build.js";

export { BuildError };
export type { BuildOptions, BuildResult };
export type { ExportSignature } from "./abi/types.js";

/** The toolchain's packages, as package.json's peerDependencies pin them (the one place their versions are written). */
export function toolchainPackages(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { peerDependencies?: Record<string, string> };
  return pkg.peerDependencies ?? {};
}

/** The npm command that installs the toolchain's packages into a project. */
export function toolchainInstallCommand(): string {
  return `npm install --save-dev --save-exact ${Object.entries(toolchainPackages()).map(([name, version]) => `${name}@${version}`).join(" ")}`;
}

let loaded: Promise<typeof import("./toolchain/build.js")> | undefined;

async function loadBuild(): Promise<typeof import("./toolchain/build.js")> {
  try {
    return await import("./toolchain/build.js");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = Object.keys(toolchainPackages()).find((name) => err.code === "ERR_MODULE_NOT_FOUND" && err.message.includes(`'${name}`));
    if (missing === undefined) throw e;
    throw new BuildError(
      `building a guest needs the toolchain, and its package "${missing}" is not installed in this project. ` +
        `Install it with: ${toolchainInstallCommand()}`,
    );
  }
}

/** Builds an AssemblyScript guest (see BuildOptions); the first call loads the compiler and binaryen. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  loaded ??= loadBuild();
  const toolchain = await loaded.catch((e) => {
    loaded = undefined; // installed since? try again next time
    throw e;
  });
  return toolchain.build(options);
}
