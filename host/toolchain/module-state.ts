// One program, many workers: the guest's module state becomes shared memory, and its top-level code runs once.
//
// asc compiles every module-level variable (and static field, and namespace variable) to a Wasm global, and every
// worker has its own instance, so left alone each worker would have its own copy. This pass decides, for every
// mutable global, which of two kinds it is, and fails the build for any it cannot classify:
//  - per worker: the runtime's own globals (every module variable of wasm/, the vthreads library: the running
//    thread, the scratch stack, caches), the compiler's (`~argumentsLength`, ...) and std's per-call scratch
//    (std-audit.ts). They stay Wasm globals.
//  - shared: everything else: the guest's variables, and std's program state (Math.random's generator, Symbol's
//    registry). Each gets a slot in a block of static memory just past the data segments, initialised once with
//    the data; every `global.get`/`global.set` of it becomes a plain load/store of its slot. The collector already
//    scans static memory as a root region, so these are roots once per program, not once per worker.
// Top-level code: each file's start function is split. Per-worker start (`_start`, every worker) runs the runtime's
// and std's per-worker initialisation; program start (the `vthreads.run_program` import, run once per runtime by
// `__vt_start_program`) runs the guest's top-level statements and initialises shared variables. A flag global,
// PROGRAM_MODE, tells the two apart inside the shared start functions.

import binaryen from "binaryen";
import { BuildError } from "./errors.js";
import { childForms, formEnd, NAME_PATTERN, nameFromPrinted, printedName } from "./sexpr.js";
import { COMPILER_GLOBALS, STD_GLOBALS, STD_LOCKED_FUNCTIONS } from "./std-audit.js";

/** The per-worker flag that program start sets while it runs the start functions. */
export const PROGRAM_MODE = "vthreads/program_mode";
const HEAP_BASE = "~lib/memory/__heap_base";
const START = "~start";
const VISIT_GLOBALS = "~lib/rt/__visit_globals";

export type GlobalKind = "worker" | "shared";

export interface ModuleStateOptions {
  /** Prefixes of the runtime's compiled names: its globals and start functions are per worker. */
  runtimePrefixes: string[];
}

export interface SharedGlobal {
  name: string;
  type: "i32" | "i64" | "f32" | "f64";
  address: number;
}

export interface ModuleStateResult {
  module: binaryen.Module;
  shared: SharedGlobal[];
  perWorker: string[];
}

/** Which kind a mutable global is, or a reason it cannot be told. */
export function classifyGlobal(name: string, runtimePrefixes: string[]): GlobalKind | { unknown: string } {
  if (runtimePrefixes.some((p) => name.startsWith(p))) return "worker";
  if (name in COMPILER_GLOBALS) return "worker";
  if (name.startsWith("~")) {
    const audited = STD_GLOBALS[name];
    if (audited) return audited.kind;
    return {
      unknown:
        `${name} is mutable state of AssemblyScript's standard library that vthreads has not audited, so it cannot ` +
        "tell whether every worker may share it (add it to host/toolchain/std-audit.ts, or use the assemblyscript " +
        "version vthreads pins)",
    };
  }
  return "shared";
}

const SIZE = { i32: 4, i64: 8, f32: 4, f64: 8 } as const;

export function shareModuleState(mod: binaryen.Module, options: ModuleStateOptions): ModuleStateResult {
  const { shared, perWorker, heapBase } = planGlobals(mod, options);
  let text = mod.emitText();
  const byPrinted = new Map(shared.map((g) => [printedName(g.name), g]));

  text = splitStartFunctions(text, byPrinted, options.runtimePrefixes);
  text = editFunction(text, VISIT_GLOBALS, (header, body) =>
    // Shared variables are in static memory, which the collector scans itself: no need to publish them per worker.
    [header, body.filter((form) => ![...form.matchAll(globalAccess())].some((m) => byPrinted.has(m[2])))]);
  text = lockStdFunctions(text);

  // Every access to a shared global becomes a load or store of its slot.
  text = text.replace(globalAccess(), (all, op: string, name: string) => {
    const g = byPrinted.get(name);
    if (!g) return all;
    return op === "global.get" ? `(${g.type}.load (i32.const ${g.address})` : `(${g.type}.store (i32.const ${g.address})`;
  });
  // Exports of shared variables would export a stale per-instance copy.
  text = text.replace(new RegExp(String.raw`^ \(export "[^"]*" \(global (${NAME_PATTERN})\)\)\n`, "gm"),
    (all, name: string) => (byPrinted.has(name) ? "" : all));

  const end = shared.reduce((e, g) => Math.max(e, g.address + SIZE[g.type]), heapBase);
  const newHeapBase = align(end, 16);
  const heapDecl = new RegExp(String.raw`^( \(global ${escapeRegExp(printedName(HEAP_BASE))} i32 \(i32\.const )(\d+)\)\)$`, "m");
  if (!heapDecl.test(text)) throw new BuildError(`the compiled module has no ${HEAP_BASE} (was it compiled by asc?)`);
  text = text.replace(heapDecl, `$1${newHeapBase}))`);

  const fields = [` (global ${printedName(PROGRAM_MODE)} (mut i32) (i32.const 0))`];
  if (shared.length > 0) {
    const base = Math.min(...shared.map((g) => g.address));
    fields.push(` (data $vt_module_state (i32.const ${base}) "${escapeBytes(initialBytes(mod, shared, base, end))}")`);
  }
  const close = text.lastIndexOf(")");
  text = `${text.slice(0, close)}${fields.join("\n")}\n)\n`;

  let out: binaryen.Module;
  try {
    out = binaryen.parseText(text);
  } catch (e) {
    throw new BuildError(`internal error: the module with shared module state does not parse (${String(e)})`);
  }
  return { module: out, shared, perWorker };
}

function planGlobals(mod: binaryen.Module, options: ModuleStateOptions) {
  const shared: SharedGlobal[] = [];
  const perWorker: string[] = [];
  const problems: string[] = [];
  let heapBase = -1;
  for (let i = 0; i < mod.getNumGlobals(); i++) {
    const info = binaryen.getGlobalInfo(mod.getGlobalByIndex(i));
    if (info.name === HEAP_BASE) heapBase = constValue(info.init) as number;
    if (!info.mutable || info.module) continue;
    const kind = classifyGlobal(info.name, options.runtimePrefixes);
    if (typeof kind === "object") {
      problems.push(kind.unknown);
    } else if (kind === "worker") {
      perWorker.push(info.name);
    } else {
      const type = typeName(info.type);
      if (!type) problems.push(`module variable ${info.name} has a type that cannot live in memory`);
      else shared.push({ name: info.name, type, address: 0 });
    }
  }
  if (problems.length) throw new BuildError(`cannot place the module's state:\n  ${problems.join("\n  ")}`);
  if (heapBase < 0) throw new BuildError(`the compiled module has no ${HEAP_BASE} (was it compiled by asc?)`);
  // 8-byte slots first, so that every slot is naturally aligned.
  shared.sort((a, b) => SIZE[b.type] - SIZE[a.type]);
  let at = align(heapBase, 16);
  for (const g of shared) {
    g.address = at;
    at += SIZE[g.type];
  }
  return { shared, perWorker, heapBase };
}

function typeName(type: number): SharedGlobal["type"] | null {
  if (type === binaryen.i32) return "i32";
  if (type === binaryen.i64) return "i64";
  if (type === binaryen.f32) return "f32";
  if (type === binaryen.f64) return "f64";
  return null;
}

function constValue(expr: number): number | bigint | { low: number; high: number } {
  const info = binaryen.getExpressionInfo(expr) as binaryen.ExpressionInfo & { value?: unknown };
  if (info.id !== binaryen.ConstId) throw new BuildError("internal error: a global's initial value is not a constant");
  return info.value as number | bigint | { low: number; high: number };
}

function initialBytes(mod: binaryen.Module, shared: SharedGlobal[], base: number, end: number): Uint8Array {
  const bytes = new Uint8Array(end - base);
  const view = new DataView(bytes.buffer);
  for (const g of shared) {
    const v = constValue(binaryen.getGlobalInfo(mod.getGlobal(g.name)).init);
    const at = g.address - base;
    if (g.type === "i32") view.setInt32(at, v as number, true);
    else if (g.type === "f32") view.setFloat32(at, v as number, true);
    else if (g.type === "f64") view.setFloat64(at, v as number, true);
    else if (typeof v === "bigint") view.setBigInt64(at, v, true);
    else if (typeof v === "object") {
      view.setInt32(at, v.low, true);
      view.setInt32(at + 4, v.high, true);
    } else view.setBigInt64(at, BigInt(v), true);
  }
  return bytes;
}

function globalAccess(): RegExp {
  return new RegExp(String.raw`\((global\.get|global\.set) (${NAME_PATTERN})`, "g");
}

/**
 * Splits every start function's statements into those for every worker and those for the program. A call to
 * another start function runs in both modes (the callee sorts its own statements); a statement that initialises a
 * shared variable, and every statement of a guest file, runs in program mode only; the runtime's and std's other
 * statements run in per-worker mode only.
 */
function splitStartFunctions(text: string, shared: Map<string, SharedGlobal>, runtimePrefixes: string[]): string {
  const starts = [...text.matchAll(new RegExp(String.raw`^ \(func (${NAME_PATTERN})`, "gm"))]
    .map((m) => nameFromPrinted(m[1]))
    .filter((n) => n === START || n.startsWith("start:"));
  const program = `(global.get ${printedName(PROGRAM_MODE)})`;
  for (const name of starts) {
    const file = name === START ? null : name.slice("start:".length);
    const guestFile = file !== null && !file.startsWith("~") && !runtimePrefixes.some((p) => `${file}/`.startsWith(p));
    text = editFunction(text, name, (header, body) => {
      const out: string[] = [];
      for (const form of body) {
        const always = /^\(call \$(?:"start:|start:)/.test(form) || form.includes(printedName("~started"));
        const setter = /^\(global\.set (\S+)/.exec(form);
        const programOnly = guestFile || (setter !== null && shared.has(setter[1]));
        if (always) out.push(form);
        else if (programOnly) out.push(`(if ${program} (then ${form}))`);
        else out.push(`(if (i32.eqz ${program}) (then ${form}))`);
      }
      return [header, out];
    });
  }
  return text;
}

/**
 * Runs each std function that touches shared std state under the std lock: the original is renamed, and a wrapper
 * of its name takes the lock (the runtime's `__vt_std_lock`: reentrant on one worker, since `random` calls
 * `seedRandom`; it records the worker that holds it, so a trap inside releases it), calls it, and releases it.
 */
function lockStdFunctions(text: string): string {
  const lockFn = exportedFunction(text, "__vt_std_lock");
  const unlockFn = exportedFunction(text, "__vt_std_unlock");
  for (const name of STD_LOCKED_FUNCTIONS) {
    const printed = printedName(name);
    const start = functionStart(text, name);
    if (start < 0) continue; // not used by this guest
    if (!lockFn || !unlockFn) throw new BuildError("internal error: the runtime exports no __vt_std_lock/__vt_std_unlock");
    const end = formEnd(text, start);
    const forms = childForms(text, start, end);
    const params = forms.filter((f) => f.startsWith("(param ")).map((f) => /^\(param \S+ (\S+)\)$/.exec(f));
    const result = forms.find((f) => f.startsWith("(result "));
    if (params.some((p) => p === null)) throw new BuildError(`internal error: cannot read the parameters of ${name}`);
    const renamed = printedName(`${name}@unlocked`);
    const type = result ? result.slice("(result ".length, -1) : null;
    const args = params.map((_, i) => `(local.get ${i})`).join(" ");
    const call = `(call ${renamed} ${args})`;
    const wrapper =
      `(func ${printed} ${params.map((p) => `(param ${p![1]})`).join(" ")} ${result ?? ""}` +
      (type ? ` (local $result ${type})` : "") +
      ` (call ${lockFn})` +
      (type ? ` (local.set $result ${call}) (call ${unlockFn}) (local.get $result))` : ` ${call} (call ${unlockFn}))`);
    // Only the definition is renamed: every call, table entry and export now reaches the wrapper.
    text = text.slice(0, start) + `(func ${renamed}` + text.slice(start + `(func ${printed}`.length);
    const close = text.lastIndexOf(")");
    text = `${text.slice(0, close)} ${wrapper}\n)\n`;
  }
  return text;
}

function exportedFunction(text: string, exportName: string): string | null {
  const m = new RegExp(String.raw`\(export "${exportName}" \(func (${NAME_PATTERN})\)\)`).exec(text);
  return m ? m[1] : null;
}

/** Rebuilds one function from its header forms (type, params, result, locals) and its body's top-level forms. */
function editFunction(text: string, name: string, edit: (header: string[], body: string[]) => [string[], string[]]): string {
  const start = functionStart(text, name);
  if (start < 0) return text;
  const end = formEnd(text, start);
  const forms = childForms(text, start, end);
  const isHeader = (f: string) => /^\((type|param|result|local|export) /.test(f);
  const header = forms.filter(isHeader);
  const body = forms.filter((f) => !isHeader(f));
  const [h, b] = edit(header, body);
  const rebuilt = `(func ${printedName(name)} ${h.join(" ")}\n  ${b.join("\n  ")}\n )`;
  return text.slice(0, start) + rebuilt + text.slice(end);
}

/** Where the definition of function `name` starts in the text (its opening parenthesis), or -1. */
function functionStart(text: string, name: string): number {
  const open = `\n (func ${printedName(name)}`;
  for (let at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + 1)) {
    const next = text.charCodeAt(at + open.length);
    if (next === 0x20 || next === 0x0a) return at + 2; // the name ends here (past "\n ")
  }
  return -1;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function escapeBytes(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += `\\${b.toString(16).padStart(2, "0")}`;
  return s;
}
