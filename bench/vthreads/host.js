// Access to the vthreads host API (dist/host/index.js and the toolchain, dist/host/toolchain.js, produced by
// `npm run build`). Imported lazily so
// that the JS baselines run even when the runtime is not built.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const hostEntry = path.join(repoRoot, "dist", "host", "index.js");
const toolchainEntry = path.join(repoRoot, "dist", "host", "toolchain.js");

let hostPromise = null;

/** The host module ({ build, Runtime }); throws a clear error when the runtime is not built. */
export function loadHost() {
  if (hostPromise === null) {
    hostPromise = Promise.all([import(pathToFileURL(hostEntry).href), import(pathToFileURL(toolchainEntry).href)]).then(
      ([runtime, toolchain]) => {
        const mod = { ...runtime, build: toolchain.build };
        if (typeof mod.build !== "function" || typeof mod.Runtime?.start !== "function") {
          throw new Error(`${hostEntry} does not export build() and Runtime.start()`);
        }
        return mod;
      },
      (err) => {
        throw new Error(`vthreads runtime not available (${hostEntry}): run \`npm run build\` first. ${err?.message ?? err}`);
      },
    );
  }
  return hostPromise;
}

/** Builds bench/guest/<name>.ts into build/bench/<name>/ and returns the path of the .wasm. */
export async function buildGuest(name) {
  const { build } = await loadHost();
  const entry = path.join(repoRoot, "bench", "guest", `${name}.ts`);
  const outDir = path.join(repoRoot, "build", "bench", name);
  const out = await build({ entry, outDir });
  if (!out || typeof out.wasmPath !== "string") throw new Error(`build(${entry}) returned no wasmPath`);
  return out.wasmPath;
}

/** Starts a runtime on a built module; `options` are more Runtime.start options (e.g. { gc: false }). */
export async function startRuntime(wasmPath, workers, options = {}) {
  const { Runtime } = await loadHost();
  return Runtime.start(wasmPath, { ...options, workers });
}

// Re-exported for older imports; the variants import ./stats.js, which also runs in a browser.
export { heapBytes, schedulerDelta } from "./stats.js";
