// Moving call arguments and results between JS values and the guest's shared memory (frame layout in
// docs/abi.md, object layouts of AssemblyScript's std: string.ts, arraybuffer.ts, typedarray.ts, array.ts).
import {
  TYPED_ARRAYS, arrayElementType, elementSize, isNumberType, isTypedArrayType, typeIdName,
  type ExportSignature,
} from "../abi/types.js";
import {
  FRAME_SLOTS, SLOT_SIZE, OBJECT_RT_SIZE_BACK, VIEW_BUFFER, VIEW_DATA_START, VIEW_BYTE_LENGTH, ARRAY_LENGTH, TYPED_ARRAY_SIZE,
  ARRAY_SIZE,
} from "../abi/layout.js";

export interface MarshalContext {
  /** The instance's (shared) memory. */
  memory: WebAssembly.Memory;
  exports: {
    __new(size: number, id: number): number;
    __vt_string(units: number): number;
    /** Optional (modules built before the collector lack them): keep a new object alive while only JS holds it. */
    __vt_pin?(ptr: number): number;
    __vt_unpin?(ptr: number): number;
    [k: string]: unknown;
  };
  /** Runtime ids by mangled name (see typeIdName), e.g. { ArrayBuffer: 1, String: 2, Array_i32: 5 }. */
  typeIds: Record<string, number>;
}

const INT_RANGES: Record<string, [number, number]> = {
  i8: [-0x80, 0x7f], u8: [0, 0xff], i16: [-0x8000, 0x7fff], u16: [0, 0xffff],
  i32: [-0x80000000, 0x7fffffff], u32: [0, 0xffffffff],
};
const BIG_RANGES: Record<string, [bigint, bigint]> = {
  i64: [-(1n << 63n), (1n << 63n) - 1n], u64: [0n, (1n << 64n) - 1n],
};

// ---------------------------------------------------------------------------------------------------------
// Validation (main thread, before posting a call)

/** Throws TypeError/RangeError naming the export and parameter if `args` do not fit `sig`. */
export function validateArgs(sig: ExportSignature, args: readonly unknown[]): void {
  if (args.length !== sig.params.length) {
    const list = sig.params.map((p) => `${p.name}: ${p.type}`).join(", ");
    throw new TypeError(
      `export "${sig.name}" expects ${sig.params.length} argument${sig.params.length === 1 ? "" : "s"} (${list}), got ${args.length}`,
    );
  }
  sig.params.forEach((p, i) => checkValue(p.type, args[i], `export "${sig.name}": parameter "${p.name}"`));
}

function checkValue(type: string, value: unknown, where: string): void {
  const fail = (Err: new (message: string) => Error, why = ""): never => {
    throw new Err(`${where} expects ${type}${why}, got ${describe(value)}`);
  };
  if (type in INT_RANGES) {
    if (typeof value !== "number" || !Number.isInteger(value)) fail(TypeError, " (an integer number)");
    const [min, max] = INT_RANGES[type]!;
    if ((value as number) < min || (value as number) > max) fail(RangeError, ` (an integer in ${min}..${max})`);
  } else if (type in BIG_RANGES) {
    let big: bigint;
    if (typeof value === "bigint") big = value;
    else if (typeof value === "number" && Number.isInteger(value)) {
      // Beyond 2^53 the number has already lost precision: ask for a bigint instead of guessing.
      if (!Number.isSafeInteger(value)) fail(RangeError, " (a bigint, or a number within the safe integer range)");
      big = BigInt(value);
    } else return fail(TypeError, " (a bigint)");
    const [min, max] = BIG_RANGES[type]!;
    if (big < min || big > max) fail(RangeError, ` (in ${min}..${max})`);
  } else if (type === "f32" || type === "f64") {
    if (typeof value !== "number") fail(TypeError, " (a number)");
  } else if (type === "bool") {
    if (typeof value !== "boolean") fail(TypeError, " (a boolean)");
  } else if (type === "string") {
    if (typeof value !== "string") fail(TypeError);
  } else if (isTypedArrayType(type)) {
    const js = jsTypedArrayName(type);
    // Tag check rather than instanceof: values may come from another realm.
    if (Object.prototype.toString.call(value) !== `[object ${js}]`) fail(TypeError, js === type ? "" : ` (a ${js})`);
  } else {
    const element = arrayElementType(type);
    if (element === null) throw new TypeError(`${where} has unsupported type ${type}`);
    if (!Array.isArray(value)) return fail(TypeError, " (an array)");
    value.forEach((v, i) => checkValue(element, v, `${where}[${i}]`));
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  switch (typeof value) {
    case "string": return `string ${JSON.stringify(value.length > 32 ? value.slice(0, 32) + "…" : value)}`;
    case "number": case "boolean": return `${typeof value} ${String(value)}`;
    case "bigint": return `bigint ${value}n`;
    case "undefined": return "undefined";
    case "function": return "a function";
    default: return `an object (${(value as object).constructor?.name ?? "null prototype"})`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lowering (worker: JS values → frame slots and new managed objects)

/** Writes `args` into the frame's argument slots, allocating managed objects for reference types. */
export function lowerArgs(ctx: MarshalContext, sig: ExportSignature, args: readonly unknown[], frame: number): void {
  sig.params.forEach((p, i) => {
    const slot = frame + FRAME_SLOTS + SLOT_SIZE * i;
    if (isNumberType(p.type) || p.type === "bool") {
      const view = dataView(ctx);
      view.setBigUint64(slot, 0n, true);
      writeScalar(view, p.type, slot, args[i]);
    } else {
      const ptr = lowerRef(ctx, p.type, args[i]);
      const view = dataView(ctx); // after the allocations
      view.setBigUint64(slot, 0n, true);
      view.setUint32(slot, ptr, true);
    }
  });
}

// Every allocation may grow the shared memory, after which memory.buffer is a new, longer SharedArrayBuffer
// and old views stop short: views are therefore always taken after the last allocation.
function dataView(ctx: MarshalContext): DataView {
  return new DataView(ctx.memory.buffer);
}

function typeId(ctx: MarshalContext, type: string): number {
  const name = typeIdName(type);
  const id = ctx.typeIds[name];
  if (id === undefined) throw new Error(`no runtime type id for ${type}: the module lacks __vt_typeid_${name}`);
  return id;
}

function lowerRef(ctx: MarshalContext, type: string, value: unknown): number {
  if (type === "string") return lowerString(ctx, value as string);
  if (isTypedArrayType(type)) return lowerTypedArray(ctx, type, value as ArrayBufferView);
  const element = arrayElementType(type);
  if (element !== null) return lowerArray(ctx, type, element, value as unknown[]);
  throw new TypeError(`cannot lower ${type}`);
}

/** A new String holding `value`'s UTF-16 code units (lone surrogates included). */
export function lowerString(ctx: MarshalContext, value: string): number {
  const length = value.length;
  const ptr = ctx.exports.__vt_string(length) >>> 0;
  const units = new Uint16Array(ctx.memory.buffer, ptr, length);
  for (let i = 0; i < length; i++) units[i] = value.charCodeAt(i);
  return ptr;
}

/**
 * Pins `ptr` until the objects that will refer to it exist. The worker also brackets lowering with
 * `__vt_mutator_enter/leave`, which already keeps collections out; the pins make each step safe on its own (and are
 * what a host-call result, written while threads run, will need).
 */
function pinned(ctx: MarshalContext, ptr: number): number {
  if (ptr !== 0 && ctx.exports.__vt_pin && ctx.exports.__vt_pin(ptr) === 0) {
    throw new Error("out of memory: cannot pin a lowered argument");
  }
  return ptr;
}

function unpinned(ctx: MarshalContext, ptr: number): void {
  if (ptr !== 0) ctx.exports.__vt_unpin?.(ptr);
}

function lowerTypedArray(ctx: MarshalContext, type: string, value: ArrayBufferView): number {
  const byteLength = value.byteLength;
  const buffer = pinned(ctx, ctx.exports.__new(byteLength, typeId(ctx, "ArrayBuffer")) >>> 0);
  try {
    const header = ctx.exports.__new(TYPED_ARRAY_SIZE, typeId(ctx, type)) >>> 0;
    new Uint8Array(ctx.memory.buffer, buffer, byteLength).set(new Uint8Array(value.buffer, value.byteOffset, byteLength));
    writeViewHeader(dataView(ctx), header, buffer, byteLength);
    return header; // the caller stores it in the frame before it allocates again
  } finally {
    unpinned(ctx, buffer); // the header refers to it now (or the call fails)
  }
}

function lowerArray(ctx: MarshalContext, type: string, element: string, values: readonly unknown[]): number {
  // Strings first: their allocations must precede the views used to write the element pointers.
  const strings: number[] = [];
  let buffer = 0;
  try {
    if (element === "string") for (const s of values) strings.push(pinned(ctx, lowerString(ctx, s as string)));
    const items = element === "string" ? strings : values;
    const size = elementSize(element);
    const byteLength = items.length * size;
    buffer = pinned(ctx, ctx.exports.__new(byteLength, typeId(ctx, "ArrayBuffer")) >>> 0);
    const header = ctx.exports.__new(ARRAY_SIZE, typeId(ctx, type)) >>> 0;
    const view = dataView(ctx);
    writeViewHeader(view, header, buffer, byteLength);
    view.setInt32(header + ARRAY_LENGTH, items.length, true);
    items.forEach((v, i) => {
      const at = buffer + i * size;
      if (element === "string") view.setUint32(at, v as number, true);
      else writeScalar(view, element, at, v);
    });
    return header; // the caller stores it in the frame before it allocates again
  } finally {
    // The header holds the buffer now, and the buffer the strings (or the call fails).
    for (const s of strings) unpinned(ctx, s);
    unpinned(ctx, buffer);
  }
}

function writeViewHeader(view: DataView, header: number, buffer: number, byteLength: number): void {
  view.setUint32(header + VIEW_BUFFER, buffer, true);
  view.setUint32(header + VIEW_DATA_START, buffer, true);
  view.setInt32(header + VIEW_BYTE_LENGTH, byteLength, true);
}

function writeScalar(view: DataView, type: string, at: number, value: unknown): void {
  switch (type) {
    case "bool": return view.setUint8(at, value ? 1 : 0);
    case "i8": return view.setInt8(at, value as number);
    case "u8": return view.setUint8(at, value as number);
    case "i16": return view.setInt16(at, value as number, true);
    case "u16": return view.setUint16(at, value as number, true);
    case "i32": return view.setInt32(at, value as number, true);
    case "u32": return view.setUint32(at, value as number, true);
    case "i64": return view.setBigInt64(at, BigInt(value as number | bigint), true);
    case "u64": return view.setBigUint64(at, BigInt(value as number | bigint), true);
    case "f32": return view.setFloat32(at, value as number, true);
    case "f64": return view.setFloat64(at, value as number, true);
    default: throw new TypeError(`not a scalar type: ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lifting (worker: result slot → JS value; references are copied out of memory)

/** Reads the result of a successful call from the frame's result slot. */
export function liftResult(ctx: MarshalContext, sig: ExportSignature, frame: number): unknown {
  if (sig.result === "void") return undefined;
  const slot = frame + FRAME_SLOTS + SLOT_SIZE * sig.params.length;
  const view = dataView(ctx);
  if (isNumberType(sig.result) || sig.result === "bool") return readScalar(view, sig.result, slot);
  return liftRef(ctx, sig.result, view.getUint32(slot, true));
}

function liftRef(ctx: MarshalContext, type: string, ptr: number): unknown {
  if (ptr === 0) return null; // only reachable through unchecked guest code; there is no better answer
  if (type === "string") return liftString(ctx, ptr);
  if (isTypedArrayType(type)) return liftTypedArray(ctx, type, ptr);
  const element = arrayElementType(type);
  if (element !== null) return liftArray(ctx, element, ptr);
  throw new TypeError(`cannot lift ${type}`);
}

/** The String at `ptr` (e.g. a failure message). fromCharCode, not TextDecoder: it keeps lone surrogates. */
export function liftString(ctx: MarshalContext, ptr: number): string {
  const view = dataView(ctx);
  const length = view.getUint32(ptr - OBJECT_RT_SIZE_BACK, true) >>> 1;
  const units = new Uint16Array(ctx.memory.buffer, ptr, length);
  const CHUNK = 8192; // stays well below engines' argument count limits
  let out = "";
  for (let i = 0; i < length; i += CHUNK) {
    out += String.fromCharCode(...units.subarray(i, Math.min(i + CHUNK, length)));
  }
  return out;
}

function liftTypedArray(ctx: MarshalContext, type: string, ptr: number): ArrayBufferView {
  const view = dataView(ctx);
  const dataStart = view.getUint32(ptr + VIEW_DATA_START, true);
  const byteLength = view.getInt32(ptr + VIEW_BYTE_LENGTH, true);
  // A copy, on a plain ArrayBuffer: the memory will be reused, and the value may be posted between threads.
  const bytes = new Uint8Array(ctx.memory.buffer, dataStart, byteLength).slice();
  const Ctor = (globalThis as unknown as Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>)[jsTypedArrayName(type)]!;
  return new Ctor(bytes.buffer);
}

function liftArray(ctx: MarshalContext, element: string, ptr: number): unknown[] {
  const view = dataView(ctx);
  const dataStart = view.getUint32(ptr + VIEW_DATA_START, true);
  const length = view.getInt32(ptr + ARRAY_LENGTH, true);
  const size = elementSize(element);
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) {
    const at = dataStart + i * size;
    out[i] = element === "string" ? liftRef(ctx, "string", view.getUint32(at, true)) : readScalar(view, element, at);
  }
  return out;
}

function readScalar(view: DataView, type: string, at: number): number | bigint | boolean {
  switch (type) {
    case "bool": return view.getUint8(at) !== 0;
    case "i8": return view.getInt8(at);
    case "u8": return view.getUint8(at);
    case "i16": return view.getInt16(at, true);
    case "u16": return view.getUint16(at, true);
    case "i32": return view.getInt32(at, true);
    case "u32": return view.getUint32(at, true);
    case "i64": return view.getBigInt64(at, true);
    case "u64": return view.getBigUint64(at, true);
    case "f32": return view.getFloat32(at, true);
    case "f64": return view.getFloat64(at, true);
    default: throw new TypeError(`not a scalar type: ${type}`);
  }
}

/** The JS class for an AssemblyScript typed array (64-bit ones are BigInt arrays in JS). */
export function jsTypedArrayName(type: string): string {
  if (TYPED_ARRAYS[type] === "i64") return "BigInt64Array";
  if (TYPED_ARRAYS[type] === "u64") return "BigUint64Array";
  return type;
}

/** Calls every `__vt_typeid_<name>` export once: the `typeIds` of a MarshalContext. */
export function readTypeIds(exports: Record<string, unknown>): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const [key, fn] of Object.entries(exports)) {
    if (key.startsWith("__vt_typeid_") && typeof fn === "function") ids[key.slice("__vt_typeid_".length)] = (fn as () => number)() >>> 0;
  }
  return ids;
}
