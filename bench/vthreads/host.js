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

/** Starts a runtime on a built module; `options` are more Runtime.start options (e.g. { gc: false }). */
export async function startRuntime(wasmPath, workers, options = {}) {
  const { Runtime } = await loadHost();
  return Runtime.start(wasmPath, { ...options, workers });
}

/** rt.memoryStats().heapBytes, checked. */
export function heapBytes(rt) {
  const stats = rt.memoryStats();
  const b = stats?.heapBytes;
  if (typeof b !== "number" && typeof b !== "bigint") {
    throw new Error(`rt.memoryStats().heapBytes is missing (got ${JSON.stringify(stats)})`);
  }
  return Number(b);
}

/**
 * Per-run scheduler counters: the difference of two rt.schedulerStats() snapshots for the per-worker arrays
 * (switches, migrations, and steals and wakeups where the runtime has them: checked with `in`).
 */
export function schedulerDelta(before, after) {
  const out = {};
  for (const key of ["switches", "migrations", "steals", "wakeups"]) {
    if (!(key in after) || !Array.isArray(after[key])) continue;
    const b = Array.isArray(before[key]) ? before[key] : [];
    out[key] = after[key].map((v, i) => Number(v) - Number(b[i] ?? 0));
  }
  return out;
}
