// Access to the vthreads host API (dist/host/index.js, produced by `npm run build`). Imported lazily so
// that the JS baselines run even when the runtime is not built.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const hostEntry = path.join(repoRoot, "dist", "host", "index.js");

let hostPromise = null;

/** The host module ({ build, Runtime }); throws a clear error when the runtime is not built. */
export function loadHost() {
  if (hostPromise === null) {
    hostPromise = import(pathToFileURL(hostEntry).href).then(
      (mod) => {
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

/** Starts a runtime on a built module (with the benchmark's host functions, if it has any). */
export async function startRuntime(wasmPath, workers, hostModule) {
  const { Runtime } = await loadHost();
  return Runtime.start(wasmPath, { workers, hostModule });
}

// Re-exported for older imports; the variants import ./stats.js, which also runs in a browser.
export { heapBytes, schedulerDelta } from "./stats.js";
