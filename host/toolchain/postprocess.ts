// Binaryen post-processing of the compiled module. The order matters (see docs/design.md):
//  -1. module state: the guest's module variables move into shared memory and its top-level code is split from the
//     per-worker start (module-state.ts); `vthreads.run_program` becomes the program's start;
//  0. every `host.<name>` import (a guest's `@external("host", ...)` declaration) becomes a call to its generated
//     wrapper, a blocking host call (entry.ts), before Asyncify, which then instruments the callers;
//  1. no-inline on the suspend primitive: if the optimiser inlined it, its caller would contain `start_unwind`, be
//     taken for runtime code and silently not instrumented, and threads would restart from the top on resume;
//     and on the runtime's outlined functions (OUTLINED_SUFFIX): with a parked thread's stack, Asyncify saves every
//     local of each frame that a rewind reads again (arguments, conditions around calls that may suspend), so a
//     branch that fails the thread, inlined into a function threads park in, would make every such stack bigger;
//  2. optimise;
//  3. Asyncify, with host imports marked as never unwinding (threads suspend only inside Wasm), so only functions
//     that can reach `__vt_suspend` directly or through an indirect call are instrumented;
//  4. optimise again;
//  (JSPI build: no Asyncify; instead the runtime's `vt_shadow` imports become accesses to the shadow stack pointer
//   and to a per-instance limit that the shadow stack's overflow check uses, since each thread has its own stack);
//  5. data segments made passive and copied once, by the first instance, through `vthreads.init_data`
//     (an active segment would be re-applied by every new instance, over memory other workers have changed);
//  6. validate.

import binaryen from "binaryen";
import { BuildError } from "./errors.js";
import { MANIFEST_SECTION, type Manifest } from "../abi/manifest.js";
import { hostWrapperName } from "./entry.js";
import { PROGRAM_MODE, shareModuleState } from "./module-state.js";

/** The largest shared memory a guest may have: 2 GiB, so that every heap address is below 2^31. */
const MAX_MEMORY_PAGES = 32768;

export const SUSPEND_PRIMITIVE = "__vt_suspend";
/** Binaryen inlines every function up to this size (its measure), calls or not. */
const ALWAYS_INLINE_MAX_SIZE = 12;
/** A runtime function whose name ends so (e.g. `settleGetOutlined`) is never inlined into its caller. */
export const OUTLINED_SUFFIX = "Outlined";

const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.Atomics |
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.SignExt;

export type Backend = "asyncify" | "jspi";

export interface PostprocessOptions {
  /** Which stack switching the module is for. */
  backend: Backend;
  /** binaryen optimise level, 0..4 (default 3). */
  optimizeLevel?: number;
  /** binaryen shrink level, 0..2 (default 0). */
  shrinkLevel?: number;
  /** Prefixes of the runtime's compiled names (its module variables are per worker; module-state.ts). */
  runtimePrefixes: string[];
  /** Builds the manifest embedded in the `vthreads` custom section, given the module's memory limits. */
  manifest: (memory: Manifest["memory"]) => Manifest;
}

export interface PostprocessResult {
  binary: Uint8Array;
  manifest: Manifest;
}

export function postprocess(input: Uint8Array, options: PostprocessOptions): PostprocessResult {
  const compiled = binaryen.readBinary(input);
  let mod: binaryen.Module;
  try {
    compiled.setFeatures(FEATURES);
    requireFunctionNamed(compiled, "__vt_boot");
    mod = shareModuleState(compiled, { runtimePrefixes: options.runtimePrefixes }).module;
  } finally {
    compiled.dispose();
  }
  try {
    mod.setFeatures(FEATURES);
    // Pass arguments and levels are process-global in binaryen.js: set every one we rely on, every time.
    binaryen.setOptimizeLevel(options.optimizeLevel ?? 3);
    binaryen.setShrinkLevel(options.shrinkLevel ?? 0);
    // Every setter of a reference field holds the collector's write barrier, a load and a branch around a call
    // (memory/gc.ts, writeBarrier); binaryen inlines a function that makes calls only up to this size (default 2),
    // and a setter left out of line costs about 5 ns per store (the uncontended mutex went from 10.5 to 15.5 ns).
    binaryen.setAlwaysInlineMaxSize(ALWAYS_INLINE_MAX_SIZE);
    binaryen.setDebugInfo(true); // keep function names: traps then show guest function names in stacks

    defineProgramStart(mod);
    redirectHostImports(mod);
    if (options.backend === "asyncify") {
      defineShadowAccess(mod, null);
      for (const pattern of [`*${SUSPEND_PRIMITIVE}*`, ...options.runtimePrefixes.map((p) => `${p}*${OUTLINED_SUFFIX}`)]) {
        binaryen.setPassArgument("no-inline", pattern);
        mod.runPasses(["no-inline"]);
      }
      binaryen.setPassArgument("no-inline", null);
      mod.optimize();

      binaryen.setPassArgument("asyncify-ignore-imports", "1");
      mod.runPasses(["asyncify"]);
      binaryen.setPassArgument("asyncify-ignore-imports", null);
      mod.optimize();
    } else {
      defineShadowAccess(mod, requireGlobal(mod, STACK_POINTER));
      replaceImports(mod, "asyncify", () => mod.unreachable()); // never called on this backend
      mod.optimize();
    }

    const memory = makeDataSegmentsPassive(mod);
    if (!mod.validate()) throw new BuildError("binaryen produced an invalid module (see the validation errors above)");
    const manifest = options.manifest(memory);
    mod.addCustomSection(MANIFEST_SECTION, new TextEncoder().encode(JSON.stringify(manifest)));
    return { binary: mod.emitBinary(), manifest };
  } finally {
    mod.dispose();
  }
}

/**
 * `vthreads.run_program` (wasm/host/program.ts) runs the start function again in program mode, where only the
 * guest's top-level statements and the initialisation of shared variables run (module-state.ts).
 */
function defineProgramStart(mod: binaryen.Module): void {
  const start = exportedFunction(mod, "_start");
  if (!start) throw new BuildError("the compiled module exports no _start (asconfig.json must set exportStart)");
  replaceImports(mod, "vthreads", (f) => {
    if (f.base !== "run_program") return null;
    return mod.block(null, [
      mod.global.set(PROGRAM_MODE, mod.i32.const(1)),
      mod.global.set("~started", mod.i32.const(0)),
      mod.call(start, [], binaryen.none),
      mod.global.set(PROGRAM_MODE, mod.i32.const(0)),
    ]);
  });
}

function exportedFunction(mod: binaryen.Module, name: string): string | null {
  for (let i = 0; i < mod.getNumExports(); i++) {
    const e = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (e.kind === binaryen.ExternalFunction && e.name === name) return e.value;
  }
  return null;
}

function functionNames(mod: binaryen.Module): binaryen.FunctionInfo[] {
  const out: binaryen.FunctionInfo[] = [];
  for (let i = 0; i < mod.getNumFunctions(); i++) out.push(binaryen.getFunctionInfo(mod.getFunctionByIndex(i)));
  return out;
}

/** Replaces each `host.<name>` import by a function of the same name that calls the generated wrapper. */
function redirectHostImports(mod: binaryen.Module): void {
  const exported = new Map<string, string>();
  for (let i = 0; i < mod.getNumExports(); i++) {
    const e = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (e.kind === binaryen.ExternalFunction) exported.set(e.name, e.value);
  }
  for (const f of functionNames(mod)) {
    if (f.module !== "host" || !f.base) continue;
    const wrapper = exported.get(hostWrapperName(f.base));
    if (wrapper === undefined) {
      throw new BuildError(`the module imports host.${f.base}, but no top-level declaration of it was found ` +
        `(declare it as @external("host", "${f.base}") declare function ... at the top level of a guest file)`);
    }
    const params = binaryen.expandType(f.params);
    mod.removeFunction(f.name);
    mod.addFunction(f.name, f.params, f.results, [], mod.call(wrapper, params.map((t, i) => mod.local.get(i, t)), f.results));
  }
}

const STACK_POINTER = "~lib/memory/__stack_pointer";
const SHADOW_LIMIT = "vthreads/shadow_limit";
const STACK_CHECK = "~stack_check";

function requireGlobal(mod: binaryen.Module, name: string): string {
  try {
    binaryen.getGlobalInfo(mod.getGlobal(name));
  } catch {
    throw new BuildError(`the JSPI build has no ${name} (was the guest compiled without a shadow stack?)`);
  }
  return name;
}

/**
 * The runtime's `vt_shadow.get/set` imports (driver/jspi.ts). Asyncify build (no shadow stack): get returns 0 and
 * set does nothing. JSPI build: they read and move the shadow stack pointer, and set the limit that the stack check
 * now compares with (it compared with the end of the static data, right for one stack, wrong for one per thread).
 */
function defineShadowAccess(mod: binaryen.Module, stackPointer: string | null): void {
  if (stackPointer === null) {
    replaceImports(mod, "vt_shadow", (f) => (f.base === "get" ? mod.i32.const(0) : mod.nop()));
    return;
  }
  mod.addGlobal(SHADOW_LIMIT, binaryen.i32, true, mod.i32.const(0));
  replaceImports(mod, "vt_shadow", (f) =>
    f.base === "get"
      ? mod.global.get(stackPointer, binaryen.i32)
      : mod.block(null, [
          mod.global.set(stackPointer, mod.local.get(0, binaryen.i32)),
          mod.global.set(SHADOW_LIMIT, mod.local.get(1, binaryen.i32)),
        ]),
  );
  if (functionNames(mod).some((f) => f.name === STACK_CHECK)) {
    mod.addFunctionImport("vthreads/shadow_overflow", "vthreads", "shadow_overflow", binaryen.none, binaryen.none);
    mod.removeFunction(STACK_CHECK);
    mod.addFunction(STACK_CHECK, binaryen.none, binaryen.none, [],
      mod.if(
        mod.i32.lt_u(mod.global.get(stackPointer, binaryen.i32), mod.global.get(SHADOW_LIMIT, binaryen.i32)),
        mod.block(null, [mod.call("vthreads/shadow_overflow", [], binaryen.none), mod.unreachable()]),
      ));
  }
}

/**
 * Replaces every import from `module` by a function of the same signature whose body `body` gives (an import for
 * which it gives null stays).
 */
function replaceImports(mod: binaryen.Module, module: string, body: (f: binaryen.FunctionInfo) => binaryen.ExpressionRef | null): void {
  for (const f of functionNames(mod)) {
    if (f.module !== module) continue;
    const b = body(f);
    if (b === null) continue;
    mod.removeFunction(f.name);
    mod.addFunction(f.name, f.params, f.results, [], b);
  }
}

function requireFunctionNamed(mod: binaryen.Module, fragment: string): void {
  if (!functionNames(mod).some((f) => f.name.includes(fragment))) {
    throw new BuildError(
      `"${fragment}" is missing from the compiled module ` +
        "(was it built without the vthreads runtime, or without a name section?)",
    );
  }
}

function exportNames(mod: binaryen.Module): string[] {
  const out: string[] = [];
  for (let i = 0; i < mod.getNumExports(); i++) out.push(binaryen.getExportInfo(mod.getExportByIndex(i)).name);
  return out;
}

/** binaryen.js cannot list memories; asc exports the one memory as "memory", which names it. */
function memoryInternalName(mod: binaryen.Module): string {
  for (let i = 0; i < mod.getNumExports(); i++) {
    const e = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (e.kind === binaryen.ExternalMemory) return e.value;
  }
  throw new BuildError("the compiled module exports no memory (was it compiled with --noExportMemory?)");
}

interface SegmentInfo { name: string; offset: number; data: ArrayBuffer; passive: boolean }

/** Turns every active data segment passive and replaces the `vthreads.init_data` import with their copy. */
function makeDataSegmentsPassive(mod: binaryen.Module): { initial: number; maximum: number } {
  const api = mod as unknown as {
    getNumDataSegments(): number;
    getDataSegmentByIndex(i: number): number;
    getDataSegmentInfo(ref: number): SegmentInfo;
  };
  const segments: SegmentInfo[] = [];
  for (let i = 0; i < api.getNumDataSegments(); i++) segments.push(api.getDataSegmentInfo(api.getDataSegmentByIndex(i)));
  if (segments.some((s) => s.passive)) throw new BuildError("unexpected passive data segment in the compiled module");

  const memoryName = memoryInternalName(mod);
  const info = mod.getMemoryInfo(memoryName);
  if (!info.shared || info.module !== "env" || info.base !== "memory") {
    throw new BuildError("the compiled module must import a shared memory as env.memory");
  }
  const maximum = info.max ?? 0;
  // Heap addresses stay below 2^31: the timer heap's keys (wasm/scheduler/timers.ts) have every word above that, so
  // that the collector, which scans them conservatively, never takes one for a pointer.
  if (maximum > MAX_MEMORY_PAGES) {
    throw new BuildError(`the shared memory's maximum is ${maximum} pages; at most ${MAX_MEMORY_PAGES} (2 GiB) are supported (asconfig.json)`);
  }
  const names = segments.map((_, i) => `vt_data_${i}`);
  mod.setMemory(
    info.initial,
    maximum,
    null,
    segments.map((s, i) => ({ name: names[i], data: new Uint8Array(s.data), passive: true, offset: 0 }) as never),
    true,
    false,
    memoryName,
  );
  mod.addMemoryImport(memoryName, "env", "memory", true);
  // The host owns the memory and hands it to every instance; re-exporting it would only invite confusion.
  if (exportNames(mod).includes("memory")) mod.removeExport("memory");

  const init = functionNames(mod).find((f) => f.module === "vthreads" && f.base === "init_data");
  if (!init) throw new BuildError("the compiled module lacks the runtime's vthreads.init_data import");
  const copies = segments.map((s, i) =>
    mod.memory.init(names[i], mod.i32.const(s.offset), mod.i32.const(0), mod.i32.const(s.data.byteLength), memoryName),
  );
  mod.removeFunction(init.name);
  mod.addFunction(init.name, binaryen.none, binaryen.none, [], mod.block(null, copies, binaryen.none));
  return { initial: info.initial, maximum };
}
