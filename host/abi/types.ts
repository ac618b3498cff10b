// The value types that may cross the host boundary (docs/abi.md), as spelled in the manifest.
// One vocabulary shared by signature extraction, entry generation, marshalling and bindings.

/** One exported guest function, as recorded in the manifest. */
export interface ExportSignature {
  name: string;
  params: { name: string; type: string }[];
  /** A value type, or "void". */
  result: string;
}

export type NumberType = "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "i64" | "u64" | "f32" | "f64";

export const NUMBER_TYPES: readonly NumberType[] = ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64"];

/** AssemblyScript typed array name → its element type. */
export const TYPED_ARRAYS: Readonly<Record<string, NumberType>> = {
  Int8Array: "i8",
  Uint8Array: "u8",
  Uint8ClampedArray: "u8",
  Int16Array: "i16",
  Uint16Array: "u16",
  Int32Array: "i32",
  Uint32Array: "u32",
  Int64Array: "i64",
  Uint64Array: "u64",
  Float32Array: "f32",
  Float64Array: "f64",
};

/** Types allowed as Array<T> elements. */
export const ARRAY_ELEMENT_TYPES: readonly string[] = [...NUMBER_TYPES, "bool", "string"];

/** Human-readable list for error messages. */
export const SUPPORTED_TYPES_TEXT =
  `${NUMBER_TYPES.join(", ")}, bool, string, ${Object.keys(TYPED_ARRAYS).join(", ")}, ` +
  `Array<T> with T one of ${ARRAY_ELEMENT_TYPES.join(", ")}; and void as a result`;

export function isNumberType(type: string): type is NumberType {
  return (NUMBER_TYPES as readonly string[]).includes(type);
}

export function isTypedArrayType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(TYPED_ARRAYS, type);
}

/** "Array<i32>" → "i32"; anything else → null. */
export function arrayElementType(type: string): string | null {
  const m = /^Array<(.+)>$/.exec(type);
  return m && ARRAY_ELEMENT_TYPES.includes(m[1]!) ? m[1]! : null;
}

/** Whether `type` is a valid manifest type for a parameter (or, with `asResult`, a result). */
export function isValueType(type: string, asResult = false): boolean {
  return (
    isNumberType(type) || type === "bool" || type === "string" || isTypedArrayType(type) ||
    arrayElementType(type) !== null || (asResult && type === "void")
  );
}

/** Types passed by pointer to a managed AssemblyScript object. */
export function isReferenceType(type: string): boolean {
  return type === "string" || isTypedArrayType(type) || arrayElementType(type) !== null;
}

/** Bytes per element in memory (Array<T> buffers): references are 32-bit pointers, bool one byte. */
export function elementSize(type: string): number {
  switch (type) {
    case "i8": case "u8": case "bool": return 1;
    case "i16": case "u16": return 2;
    case "i32": case "u32": case "f32": case "string": return 4;
    case "i64": case "u64": case "f64": return 8;
    default: throw new Error(`no element size for ${type}`);
  }
}

/**
 * Name under which a managed type's runtime id is exported, as `__vt_typeid_<name>`: it must be a plain
 * identifier, so `string` → `String`, typed arrays keep their name, `Array<T>` → `Array_T`
 * (`Array<i32>` → `Array_i32`, `Array<string>` → `Array_string`), `ArrayBuffer` → `ArrayBuffer`.
 */
export function typeIdName(type: string): string {
  if (type === "string") return "String";
  if (type === "ArrayBuffer" || isTypedArrayType(type)) return type;
  const element = arrayElementType(type);
  if (element !== null) return `Array_${element}`;
  throw new Error(`not a managed type: ${type}`);
}

/**
 * Managed types whose ids the host needs for these exports, sorted: ArrayBuffer (backing store of every
 * typed array and Array) and String (failure messages) always, plus every reference type in a signature.
 */
export function managedTypes(sigs: readonly ExportSignature[]): string[] {
  const types = new Set<string>(["ArrayBuffer", "string"]);
  for (const sig of sigs) {
    for (const t of [...sig.params.map((p) => p.type), sig.result]) {
      if (isReferenceType(t)) types.add(t);
    }
  }
  return [...types].sort();
}
