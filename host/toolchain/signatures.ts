// Pass 1 of a build: ask the AssemblyScript compiler for the entry file's exported functions and their
// resolved parameter/result types, without emitting anything.
import { stat, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import asc from "assemblyscript/asc";
import { closureTransform } from "./closures.js";
import { BuildError } from "./errors.js";
import { ARRAY_ELEMENT_TYPES, SUPPORTED_TYPES_TEXT, isTypedArrayType, type ExportSignature } from "../abi/types.js";

// Flags that change how types resolve must match the real build (runtime variant, features).
const PASS1_FLAGS = ["--runtime", "stub", "--enable", "threads", "--noEmit", "--noColors"];

// asc silently merges ./asconfig.json from the cwd; we point --config at this path and answer "{}" for it
// in readFile, so nothing on disk is ever read or written for it.
const NO_CONFIG = path.join(tmpdir(), "vthreads-pass1-no-asconfig.json");

// Values of assemblyscript 0.28's const enums. Its .d.ts only declares them as ambient const enums (which
// isolated-module compilers cannot inline) and drags in AssemblyScript's own globals, so we keep the few we
// need here; test/toolchain/signatures.test.ts checks them against the compiler's runtime objects.
export const AS_ENUMS = {
  ElementKind: { FunctionPrototype: 4, File: 13 },
  CommonFlags: { Declare: 4, Ambient: 32768, Generic: 65536 },
  SourceKind: { UserEntry: 1 },
  DiagnosticCategory: { Error: 3 },
  TypeKind: {
    Bool: 0, I8: 1, I16: 2, I32: 3, I64: 4, Isize: 5, U8: 6, U16: 7, U32: 8, U64: 9, Usize: 10,
    F32: 11, F64: 12, Void: 25,
  },
} as const;

// The slice of the compiler's object model we use (assemblyscript/src/program.ts, types.ts, ast.ts).
interface AsType {
  kind: number;
  isNullableReference: boolean;
  getClass(): AsClass | null;
  getSignature(): { toString(): string } | null;
  toString(): string;
}
interface AsClass {
  name: string;
  prototype: { name: string; internalName: string };
  typeArguments: AsType[] | null;
}
interface AsElement {
  kind: number;
  name: string;
  is(flag: number): boolean;
  members?: Map<string, AsElement> | null;
  declaration?: { decorators: { name: { text?: string }; args: { value?: unknown }[] | null }[] | null };
}
interface AsFunction extends AsElement {
  signature: { parameterTypes: AsType[]; returnType: AsType };
  getParameterName(index: number): string;
}
interface AsFile extends AsElement {
  internalName: string;
  source: { sourceKind: number; normalizedPath: string };
  exports: Map<string, AsElement> | null;
  exportsStar: AsFile[] | null;
}
interface AsSource {
  normalizedPath: string;
  lineAt(pos: number): number;
  columnAt(): number;
}
interface AsProgram {
  filesByName: Map<string, AsFile>;
  sources: AsSource[];
  stringInstance: AsClass;
  resolver: { resolveFunction(prototype: AsElement, typeArguments: AsType[] | null): AsFunction | null };
}
interface AsDiagnostic {
  code: number;
  category: number;
  message: string;
  range: { start: number; source: { normalizedPath: string } } | null;
}

export interface ReadSignaturesOptions {
  /** Directories holding packages the guest imports by name (asc --path), e.g. one with `vthreads/index.ts`. */
  searchPaths?: string[];
}

/** Resolves the exported functions of the guest entry file; throws BuildError on anything unsupported. */
export async function readExportSignatures(entryPath: string, options: ReadSignaturesOptions = {}): Promise<ExportSignature[]> {
  return (await readGuestInterface(entryPath, options)).exports;
}

export interface GuestInterface {
  exports: ExportSignature[];
  /**
   * Host functions the guest declares as `@external("host", "name") declare function f(...): T` at the top level
   * of one of its files: the build turns each into a blocking host call (entry.ts, postprocess.ts).
   */
  hostFunctions: ExportSignature[];
}

/** The guest's exports and its host function declarations. */
export async function readGuestInterface(entryPath: string, options: ReadSignaturesOptions = {}): Promise<GuestInterface> {
  const entry = path.resolve(entryPath);
  const info = await stat(entry).catch(() => null);
  if (!info?.isFile()) throw new BuildError(`entry file not found: ${entryPath}`);

  let program: AsProgram | undefined;
  let result: { sigs: ExportSignature[]; hostFunctions: ExportSignature[]; problems: string[] } | undefined;

  // asc instantiates a transform *class* after putting `program` on its prototype, which is the only way to
  // reach the program before parsing (parse errors are reported before any hook runs). `declare` keeps
  // ES2022 class fields from shadowing that prototype property with undefined.
  class Pass1Transform {
    declare readonly program: AsProgram;
    constructor() {
      program = this.program;
    }
    afterInitialize(p: AsProgram): void {
      const exports = collectExports(p);
      const host = collectHostFunctions(p);
      result = { sigs: exports.sigs, hostFunctions: host.sigs, problems: [...exports.problems, ...host.problems] };
    }
  }

  const stderr: string[] = [];
  const errors: string[] = [];
  const argv = [
    entry,
    ...PASS1_FLAGS,
    "--config", NO_CONFIG,
    ...(options.searchPaths ?? []).flatMap((p) => ["--path", path.resolve(p)]),
  ];
  const { error } = await asc.main(argv, {
    stdout: { write() {} },
    stderr: { write: (chunk) => void stderr.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")) },
    readFile: async (name, baseDir) => {
      const file = path.resolve(baseDir, name);
      if (file === NO_CONFIG) return "{}";
      return readFile(file, "utf8").catch(() => null);
    },
    // asc's own text says "(line,col)"; we also want the conventional file:line:column.
    reportDiagnostic: (d: AsDiagnostic) => {
      if (d.category === AS_ENUMS.DiagnosticCategory.Error) errors.push(formatDiagnostic(d, program));
    },
    transforms: [Pass1Transform as never, closureTransform as never], // closures: as in pass 2 (compile.ts)
  });

  const diagnostics = stderr.join("").trim();
  if (error || errors.length) {
    const detail = errors.length ? errors.join("\n") : diagnostics || String(error);
    throw new BuildError(`cannot compile ${entryPath}:\n${detail}`, diagnostics);
  }
  if (!result) throw new BuildError(`cannot compile ${entryPath}: the compiler did not initialize the program`, diagnostics);
  if (result.problems.length) throw new BuildError(result.problems.join("\n"), diagnostics);
  return { exports: result.sigs, hostFunctions: result.hostFunctions };
}

/** Host functions a guest may declare, and the types they may take and return (wasm/io/call.ts carries them). */
export const HOST_FUNCTION_TYPES = ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "bool", "string", "Uint8Array"];

/** Top-level `@external("host", "name") declare function` declarations in the guest's own files. */
function collectHostFunctions(program: AsProgram): { sigs: ExportSignature[]; problems: string[] } {
  const sigs: ExportSignature[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const file of program.filesByName.values()) {
    if (file.internalName.startsWith("~lib/")) continue; // the standard library and the vthreads package
    for (const element of (file as AsElement).members?.values() ?? []) {
      if (element.kind !== AS_ENUMS.ElementKind.FunctionPrototype || !element.is(AS_ENUMS.CommonFlags.Declare)) continue;
      const external = element.declaration?.decorators?.find((d) => d.name.text === "external");
      const args = external?.args?.map((a) => a.value) ?? [];
      if (args.length !== 2 || args[0] !== "host") continue; // an ordinary import (env.*, or the user's own module)
      const name = String(args[1]);
      const fn = program.resolver.resolveFunction(element, null);
      if (!fn) continue;
      const where = `host function "${name}" (declared as ${element.name})`;
      const supported = `${HOST_FUNCTION_TYPES.join(", ")}; and void as a result`;
      const sig = signatureOf(program, name, fn, problems, where, supported);
      if (!sig) continue;
      const bad = [...sig.params.map((p) => p.type), ...(sig.result === "void" ? [] : [sig.result])].filter((t) => !HOST_FUNCTION_TYPES.includes(t));
      if (bad.length) {
        problems.push(`${where}: type ${bad[0]} cannot be passed to or from a host function (supported: ${supported})`);
        continue;
      }
      const previous = seen.get(name);
      const text = JSON.stringify([sig.params.map((p) => p.type), sig.result]);
      if (previous !== undefined) {
        if (previous !== text) problems.push(`${where}: declared twice with different types`);
        continue;
      }
      seen.set(name, text);
      sigs.push(sig);
    }
  }
  return { sigs, problems };
}

function formatDiagnostic(d: AsDiagnostic, program: AsProgram | undefined): string {
  const text = `error TS${d.code}: ${d.message}`;
  if (!d.range) return text;
  const source = program?.sources.find((s) => s.normalizedPath === d.range!.source.normalizedPath);
  const file = displayPath(d.range.source.normalizedPath);
  if (!source) return `${file}: ${text}`;
  const line = source.lineAt(d.range.start); // also positions columnAt()
  return `${file}:${line}:${source.columnAt()}: ${text}`;
}

/** asc's paths are relative to its baseDir (the cwd); outside the cwd an absolute path reads better. */
function displayPath(normalizedPath: string): string {
  if (normalizedPath.startsWith("~lib/")) return normalizedPath; // std library or a --path package
  const rel = path.relative(process.cwd(), path.resolve(normalizedPath));
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(normalizedPath) : rel;
}

/** Walks the user entry file's exports like the compiler does (own exports first, then `export *`). */
function collectExports(program: AsProgram): { sigs: ExportSignature[]; problems: string[] } {
  const sigs: ExportSignature[] = [];
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const seenFiles = new Set<AsFile>();

  const visitFile = (file: AsFile): void => {
    if (seenFiles.has(file)) return;
    seenFiles.add(file);
    for (const [name, element] of file.exports ?? []) {
      if (seenNames.has(name)) continue; // the first export of a name wins, as in the compiler
      seenNames.add(name);
      if (element.kind !== AS_ENUMS.ElementKind.FunctionPrototype) continue; // globals, classes, enums...
      if (element.is(AS_ENUMS.CommonFlags.Ambient) || element.is(AS_ENUMS.CommonFlags.Declare)) continue; // host imports
      if (name.startsWith("__vt_") || name.startsWith("_start")) {
        problems.push(`export "${name}": names starting with "__vt_" or "_start" are reserved by vthreads; rename the function`);
        continue;
      }
      if (element.is(AS_ENUMS.CommonFlags.Generic)) {
        problems.push(`export "${name}": generic functions cannot be exported to the host (no single signature to call); export a non-generic wrapper`);
        continue;
      }
      const fn = program.resolver.resolveFunction(element, null);
      if (!fn) continue; // the resolver reported why; it surfaces as a compile error
      const sig = signatureOf(program, name, fn, problems);
      if (sig) sigs.push(sig);
    }
    for (const star of file.exportsStar ?? []) visitFile(star);
  };

  for (const file of program.filesByName.values()) {
    // The runtime (~lib/rt/index-*) is also parsed as an entry; the guest is the only user-path one.
    if (file.source.sourceKind === AS_ENUMS.SourceKind.UserEntry && !file.internalName.startsWith("~lib/")) visitFile(file);
  }
  return { sigs, problems };
}

function signatureOf(
  program: AsProgram, name: string, fn: AsFunction, problems: string[],
  what = `export "${name}"`, supported = SUPPORTED_TYPES_TEXT,
): ExportSignature | null {
  const { parameterTypes, returnType } = fn.signature;
  const params: ExportSignature["params"] = [];
  let ok = true;
  parameterTypes.forEach((type, i) => {
    const paramName = fn.getParameterName(i);
    const abi = abiType(program, type);
    if (abi === null || abi === "void") {
      ok = false;
      problems.push(`${what}: parameter "${paramName}" has type "${displayType(program, type)}", which cannot cross the host boundary (supported: ${supported})`);
    } else {
      params.push({ name: paramName, type: abi });
    }
  });
  const result = abiType(program, returnType);
  if (result === null) {
    ok = false;
    problems.push(`${what}: return type "${displayType(program, returnType)}" cannot cross the host boundary (supported: ${supported})`);
  }
  return ok ? { name, params, result: result! } : null;
}

const TYPED_ARRAY_PREFIX = "~lib/typedarray/";

/** The manifest name of a resolved type, or null if it cannot cross the boundary. */
function abiType(program: AsProgram, type: AsType): string | null {
  if (type.getSignature()) return null; // function references
  const cls = type.getClass();
  if (cls) {
    if (type.isNullableReference) return null; // null has no representation in the ABI
    if (cls === program.stringInstance) return "string";
    // Only the std classes themselves: a subclass may have a different layout.
    const proto = cls.prototype;
    if (proto.internalName === TYPED_ARRAY_PREFIX + proto.name && isTypedArrayType(proto.name)) return proto.name;
    if (proto.internalName === "~lib/array/Array" && cls.typeArguments?.length === 1) {
      const element = abiType(program, cls.typeArguments[0]!);
      return element !== null && ARRAY_ELEMENT_TYPES.includes(element) ? `Array<${element}>` : null;
    }
    return null;
  }
  const K = AS_ENUMS.TypeKind;
  switch (type.kind) {
    case K.Bool: return "bool";
    case K.I8: return "i8";
    case K.U8: return "u8";
    case K.I16: return "i16";
    case K.U16: return "u16";
    case K.I32: return "i32";
    case K.U32: return "u32";
    case K.I64: return "i64";
    case K.U64: return "u64";
    case K.Isize: return "i32"; // wasm32
    case K.Usize: return "u32";
    case K.F32: return "f32";
    case K.F64: return "f64";
    case K.Void: return "void";
    default: return null; // v128, externref, anyref, ...
  }
}

/** A type as the user wrote it (roughly): `Map<i32,i32>`, `string | null`, not `~lib/map/Map<i32,i32>`. */
function displayType(program: AsProgram, type: AsType): string {
  const cls = type.getClass();
  if (!cls) return type.toString();
  const base = cls === program.stringInstance
    ? "string"
    : cls.prototype.name + (cls.typeArguments?.length ? `<${cls.typeArguments.map((t) => displayType(program, t)).join(",")}>` : "");
  return type.isNullableReference ? `${base} | null` : base;
}
