// Test helpers: temp dirs, in-memory asc builds, and a single-threaded stand-in for the vthreads runtime
// (spawnRoot runs the entry at once) so generated entries and marshalling can be exercised for real.
import { mkdtemp, mkdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import asc from "assemblyscript/asc";
import { readExportSignatures } from "../../host/toolchain/signatures.js";
import { generateEntry } from "../../host/toolchain/entry.js";
import { lowerArgs, liftResult, liftString, validateArgs, readTypeIds, type MarshalContext } from "../../host/bindings/marshal.js";
import type { ExportSignature } from "../../host/abi/types.js";
import { FRAME_SLOTS, SLOT_SIZE } from "../../host/abi/layout.js";

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "vthreads-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/**
 * A stand-in `vthreads` package (asc resolves `import "vthreads"` to <searchPath>/vthreads/index.ts; it ignores
 * package.json's ascMain) holding the runtime side of the ABI minus threads: spawnRoot runs the entry at once.
 */
export const STUB_VTHREADS_PACKAGE: Record<string, string> = {
  "pkgs/vthreads/package.json": JSON.stringify({ name: "vthreads", ascMain: "index.ts" }),
  "pkgs/vthreads/index.ts": `export { ThreadGroup, sleep } from "./driver/roots";`,
  "pkgs/vthreads/driver/roots.ts": [
    "let sleeps: u32 = 0; // module state: must exist once, whichever way the runtime is imported",
    "export function sleepCount(): u32 { return sleeps; }",
    "export function sleep(ms: i32): void { sleeps++; }",
    "export class ThreadGroup { spawn(f: () => void): void { f(); } }",
    "export function spawnRoot(entry: (frame: usize) => void, frame: usize): u32 {",
    "  entry(frame);",
    "  store<u32>(frame, 1, 4);",
    "  return 7;",
    "}",
  ].join("\n"),
  "pkgs/vthreads/host/exports.ts": [
    `import { sleepCount } from "../driver/roots";`,
    "export function __vt_string(units: u32): usize { return __new(<usize>units << 1, idof<string>()); }",
    "export function __vt_alloc(size: usize): usize { return heap.alloc(size); }",
    "export function __vt_sleeps(): u32 { return sleepCount(); }",
  ].join("\n"),
};

// Like the real build's memory: imported and shared, so growth replaces memory.buffer.
const MODULE_FLAGS = [
  "--runtime", "stub", "--importMemory", "--sharedMemory", "--maximumMemory", "100", "--initialMemory", "2",
  "--enable", "threads", "--exportRuntime",
];

/** Compiles `entry` in memory; `configDir` gets an empty asconfig.json so no cwd config leaks in. */
export async function compileWasm(entry: string, options: { configDir: string; searchPaths?: string[] }): Promise<Uint8Array<ArrayBuffer>> {
  const config = path.join(options.configDir, "empty-asconfig.json");
  await writeFile(config, "{}");
  let binary: Uint8Array<ArrayBuffer> | undefined;
  const stderr: string[] = [];
  const { error } = await asc.main(
    [entry, ...MODULE_FLAGS, "-o", "out.wasm", "--config", config, ...(options.searchPaths ?? []).flatMap((p) => ["--path", p])],
    {
      stdout: { write() {} },
      stderr: { write: (c) => void stderr.push(String(typeof c === "string" ? c : Buffer.from(c))) },
      writeFile: (name, contents) => {
        if (name.endsWith(".wasm")) binary = new Uint8Array(contents as Uint8Array);
      },
    },
  );
  if (error || !binary) throw new Error(`asc failed: ${error?.message}\n${stderr.join("")}`);
  return binary;
}

export interface GuestModule {
  sigs: ExportSignature[];
  entrySource: string;
  ctx: MarshalContext;
  exports: Record<string, unknown>;
  /** validate → frame → lower → __vt_call_<name> → lift, as the host does. */
  call(name: string, ...args: unknown[]): unknown;
}

/**
 * Pass 1 on guest/main.ts, generated entry, real compile against STUB_VTHREADS_PACKAGE, instantiate on shared
 * memory. `runtime` picks how the entry imports the runtime: by package name or by filesystem path.
 */
export async function buildGuest(dir: string, guestFiles: Record<string, string>, runtime: "package" | "path" = "package"): Promise<GuestModule> {
  const guestEntry = "guest/main.ts";
  await writeFiles(dir, { ...STUB_VTHREADS_PACKAGE, ...guestFiles });
  const searchPaths = [path.join(dir, "pkgs")];
  const sigs = await readExportSignatures(path.join(dir, guestEntry), { searchPaths });
  const entryDir = path.join(dir, "build");
  const entrySource = generateEntry(sigs, { guestEntry: path.join(dir, guestEntry), runtimeDir: runtime === "package" ? "vthreads" : path.join(dir, "pkgs/vthreads"), entryDir });
  await writeFiles(dir, { "build/__vthreads_entry.ts": entrySource });
  const binary = await compileWasm(path.join(entryDir, "__vthreads_entry.ts"), { configDir: dir, searchPaths });

  const memory = new WebAssembly.Memory({ initial: 2, maximum: 100, shared: true });
  let ctx: MarshalContext;
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(binary), {
    env: {
      memory,
      abort: (msg: number) => {
        throw new Error(`guest abort: ${msg ? liftString(ctx, msg) : "(no message)"}`);
      },
    },
  });
  const exports = instance.exports as Record<string, unknown>;
  ctx = { memory, exports: exports as MarshalContext["exports"], typeIds: readTypeIds(exports) };

  const call = (name: string, ...args: unknown[]): unknown => {
    const sig = sigs.find((s) => s.name === name);
    if (!sig) throw new Error(`no export ${name}`);
    validateArgs(sig, args);
    const frame = (exports.__vt_alloc as (n: number) => number)(FRAME_SLOTS + SLOT_SIZE * (sig.params.length + 1)) >>> 0;
    new DataView(memory.buffer).setUint32(frame, 1234, true);
    lowerArgs(ctx, sig, args, frame);
    const id = (exports[`__vt_call_${name}`] as (f: number) => number)(frame);
    const view = new DataView(memory.buffer);
    if (id !== 7 || view.getUint32(frame + 4, true) !== 1 || view.getUint32(frame, true) !== 1234) {
      throw new Error(`root call ${name} did not complete`);
    }
    return liftResult(ctx, sig, frame);
  };
  return { sigs, entrySource, ctx, exports, call };
}
