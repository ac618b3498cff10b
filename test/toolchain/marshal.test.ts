import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateArgs, lowerString, liftString } from "../../host/bindings/marshal.js";
import type { ExportSignature } from "../../host/abi/types.js";
import { buildGuest, makeTempDir, type GuestModule } from "./harness.js";

const sig = (name: string, types: string[], result = "void"): ExportSignature => ({
  name,
  params: types.map((type, i) => ({ name: `p${i}`, type })),
  result,
});

describe("validateArgs", () => {
  it("checks the argument count", () => {
    const add = { name: "add", params: [{ name: "a", type: "i32" }, { name: "b", type: "string" }], result: "f64" };
    expect(() => validateArgs(add, [1])).toThrow(new TypeError(`export "add" expects 2 arguments (a: i32, b: string), got 1`));
    expect(() => validateArgs(add, [1, "x", 3])).toThrow(/expects 2 arguments .*got 3/);
    expect(() => validateArgs(add, [1, "x"])).not.toThrow();
  });

  it("names the parameter, the expected type and what was given", () => {
    const f = { name: "f", params: [{ name: "count", type: "i32" }], result: "void" };
    expect(() => validateArgs(f, ["3"])).toThrow(new TypeError(`export "f": parameter "count" expects i32 (an integer number), got string "3"`));
    expect(() => validateArgs(f, [1.5])).toThrow(TypeError);
    expect(() => validateArgs(f, [3n])).toThrow(/got bigint 3n/);
    expect(() => validateArgs(f, [null])).toThrow(/got null/);
  });

  it("rejects integers out of range with RangeError", () => {
    const cases: [string, number, number][] = [["i8", -128, 127], ["u8", 0, 255], ["i16", -32768, 32767], ["u16", 0, 65535], ["i32", -(2 ** 31), 2 ** 31 - 1], ["u32", 0, 2 ** 32 - 1]];
    for (const [type, min, max] of cases) {
      const s = sig("f", [type]);
      expect(() => validateArgs(s, [min])).not.toThrow();
      expect(() => validateArgs(s, [max])).not.toThrow();
      expect(() => validateArgs(s, [min - 1])).toThrow(RangeError);
      expect(() => validateArgs(s, [max + 1])).toThrow(RangeError);
    }
  });

  it("takes bigint or safe integers for i64/u64", () => {
    const i64 = sig("f", ["i64"]);
    const u64 = sig("f", ["u64"]);
    expect(() => validateArgs(i64, [-(2n ** 63n)])).not.toThrow();
    expect(() => validateArgs(i64, [2n ** 63n])).toThrow(RangeError);
    expect(() => validateArgs(u64, [2n ** 64n - 1n])).not.toThrow();
    expect(() => validateArgs(u64, [-1n])).toThrow(RangeError);
    expect(() => validateArgs(u64, [-1])).toThrow(RangeError);
    expect(() => validateArgs(i64, [Number.MAX_SAFE_INTEGER])).not.toThrow();
    expect(() => validateArgs(i64, [2 ** 60])).toThrow(RangeError);
    expect(() => validateArgs(i64, [0.5])).toThrow(TypeError);
    expect(() => validateArgs(i64, ["1"])).toThrow(TypeError);
  });

  it("checks floats, bools, strings, typed arrays and arrays element by element", () => {
    expect(() => validateArgs(sig("f", ["f64", "f32"]), [NaN, Infinity])).not.toThrow();
    expect(() => validateArgs(sig("f", ["f64"]), [1n])).toThrow(TypeError);
    expect(() => validateArgs(sig("f", ["bool"]), [1])).toThrow(/expects bool \(a boolean\), got number 1/);
    expect(() => validateArgs(sig("f", ["string"]), [undefined])).toThrow(/expects string, got undefined/);
    expect(() => validateArgs(sig("f", ["Int32Array"]), [new Int32Array(2)])).not.toThrow();
    expect(() => validateArgs(sig("f", ["Int32Array"]), [new Uint32Array(2)])).toThrow(/expects Int32Array, got a Uint32Array/);
    expect(() => validateArgs(sig("f", ["Int32Array"]), [[1, 2]])).toThrow(TypeError);
    expect(() => validateArgs(sig("f", ["Int64Array"]), [new BigInt64Array(1)])).not.toThrow();
    expect(() => validateArgs(sig("f", ["Int64Array"]), [new Float64Array(1)])).toThrow(/\(a BigInt64Array\)/);
    expect(() => validateArgs(sig("f", ["Array<u8>"]), [[1, 2, 255]])).not.toThrow();
    expect(() => validateArgs(sig("f", ["Array<u8>"]), [[1, 256]])).toThrow(new RangeError(`export "f": parameter "p0"[1] expects u8 (an integer in 0..255), got number 256`));
    expect(() => validateArgs(sig("f", ["Array<string>"]), [["a", 1]])).toThrow(/parameter "p0"\[1\] expects string/);
    expect(() => validateArgs(sig("f", ["Array<string>"]), ["ab"])).toThrow(/expects Array<string> \(an array\)/);
  });
});

describe("lowering and lifting through a real AssemblyScript module", () => {
  let guest: GuestModule;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = await makeTempDir());
    // The guest inspects what it received, so symmetric lower/lift mistakes cannot cancel out.
    guest = await buildGuest(dir, {
      "guest/main.ts": `
export function echo(s: string): string { return s; }
export function describe(s: string): string {
  let out = s.length.toString();
  for (let i = 0; i < s.length; i++) out += "," + s.charCodeAt(i).toString(16);
  return out;
}
export function summary(s: string): string {
  return s.length.toString() + "," + s.charCodeAt(0).toString(16) + "," + s.charCodeAt(s.length - 1).toString(16);
}
export function concat(a: string, b: string): string { return a + "|" + b; }
export function big(n: i32): string { return "é".repeat(n); }
export function sumI32(xs: Int32Array): i64 { let s: i64 = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s; }
export function scaleF64(xs: Float64Array, k: f64): Float64Array { const r = new Float64Array(xs.length); for (let i = 0; i < xs.length; i++) r[i] = xs[i] * k; return r; }
export function subview(xs: Uint8Array): Uint8Array { return xs.subarray(1, xs.length - 1); }
export function clamped(xs: Uint8ClampedArray): Uint8ClampedArray { return xs; }
export function u64s(xs: Uint64Array): Uint64Array { const r = new Uint64Array(xs.length); for (let i = 0; i < xs.length; i++) r[i] = xs[i] + 1; return r; }
export function i16s(xs: Int16Array): Int16Array { return xs; }
export function arrF64(xs: Array<f64>): Array<f64> { const r = new Array<f64>(); for (let i = 0; i < xs.length; i++) r.push(xs[i] + 0.5); return r; }
export function arrU8(xs: u8[]): i32 { let s = 0; for (let i = 0; i < xs.length; i++) s = s * 256 + xs[i]; return s; }
export function joinS(xs: Array<string>, sep: string): string { return xs.join(sep); }
export function splitS(s: string): Array<string> { return s.split(","); }
export function bools(xs: bool[]): Array<bool> { const r = new Array<bool>(); for (let i = 0; i < xs.length; i++) r.push(!xs[i]); return r; }
export function arrI64(xs: Array<i64>): Array<i64> { return xs.map<i64>((x: i64): i64 => -x); }
export function not(b: bool): bool { return !b; }
export function isTrue(b: bool): i32 { return b ? 1 : 0; }
export function neg(x: i64): i64 { return -x; }
export function maxU64(x: u64): u64 { return x; }
export function mix(a: i8, b: u8, c: i16, d: u16, e: i32, f: u32, g: f32): f64 {
  return <f64>a * 1e0 + <f64>b * 1e3 + <f64>c * 1e6 + <f64>d * 1e9 + <f64>e + <f64>f + <f64>g;
}
export function signs(a: i8, b: i16): i32 { return <i32>a * 100000 + <i32>b; }
export function u32max(): u32 { return 0xffffffff; }
export function i8min(): i8 { return -128; }
export function f32third(): f32 { return <f32>1 / <f32>3; }
`,
    }, "path");
  });
  afterAll(() => cleanup());

  it("round-trips strings as UTF-16 code units: non-ASCII, surrogate pairs, lone surrogates, empty", () => {
    for (const s of ["", "a", "héllo wörld", "日本語", "😀 and 𝄞", "lone \ud800 high", "lone \udc00 low", "\u0000nul"]) {
      expect(guest.call("echo", s)).toBe(s);
    }
    expect(guest.call("describe", "a😀")).toBe("3,61,d83d,de00");
    expect(guest.call("concat", "ä", "💩")).toBe("ä|💩");
  });

  it("takes fresh views after memory growth", () => {
    const before = guest.ctx.memory.buffer.byteLength;
    const long = "ж".repeat(300_000) + "end"; // 600 KB of UTF-16: well over the initial 128 KB
    expect(guest.call("summary", long)).toBe("300003,436,64");
    expect(guest.ctx.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(guest.call("echo", long)).toBe(long);
    expect(guest.call("big", 200_000)).toBe("é".repeat(200_000));
    expect(guest.call("joinS", Array.from({ length: 20_000 }, (_, i) => `item${i}`), ",")).toMatch(/^item0,item1,.*,item19999$/);
  });

  it("round-trips typed arrays as copies", () => {
    expect(guest.call("sumI32", new Int32Array([1, -2, 2 ** 31 - 1, 4]))).toBe(BigInt(1 - 2 + 2 ** 31 - 1 + 4));
    const scaled = guest.call("scaleF64", new Float64Array([1.5, -2, 1e300]), 2) as Float64Array;
    expect(scaled).toBeInstanceOf(Float64Array);
    expect(scaled.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect([...scaled]).toEqual([3, -4, 2e300]);
    // a view into the middle of its buffer: dataStart, not buffer, marks the first element
    expect([...(guest.call("subview", new Uint8Array([9, 1, 2, 3, 9])) as Uint8Array)]).toEqual([1, 2, 3]);
    // the input's own byteOffset is honoured too
    const backing = new Int16Array([7, -1, -32768, 32767, 7]);
    expect([...(guest.call("i16s", backing.subarray(1, 4)) as Int16Array)]).toEqual([-1, -32768, 32767]);
    const clamped = guest.call("clamped", new Uint8ClampedArray([0, 128, 255])) as Uint8ClampedArray;
    expect(clamped).toBeInstanceOf(Uint8ClampedArray);
    expect([...clamped]).toEqual([0, 128, 255]);
    const u64 = guest.call("u64s", new BigUint64Array([0n, 2n ** 64n - 2n])) as BigUint64Array;
    expect(u64).toBeInstanceOf(BigUint64Array);
    expect([...u64]).toEqual([1n, 2n ** 64n - 1n]);
    expect([...(guest.call("scaleF64", new Float64Array(0), 1) as Float64Array)]).toEqual([]);
  });

  it("round-trips Array<T> of numbers, bools and strings", () => {
    expect(guest.call("arrF64", [1, -2.25, 0])).toEqual([1.5, -1.75, 0.5]);
    expect(guest.call("arrF64", [])).toEqual([]);
    expect(guest.call("arrU8", [1, 2, 3])).toBe(0x010203);
    expect(guest.call("joinS", ["a", "ü", "😀", ""], "-")).toBe("a-ü-😀-");
    expect(guest.call("splitS", "x,ÿ,,😀")).toEqual(["x", "ÿ", "", "😀"]);
    expect(guest.call("bools", [true, false, false])).toEqual([false, true, true]);
    expect(guest.call("arrI64", [1n, -(2n ** 63n) + 1n, 5])).toEqual([-1n, 2n ** 63n - 1n, -5n]);
  });

  it("round-trips bool, i64, u64 and the small integer types", () => {
    expect(guest.call("not", true)).toBe(false);
    expect(guest.call("not", false)).toBe(true);
    expect(guest.call("isTrue", true)).toBe(1);
    expect(guest.call("isTrue", false)).toBe(0);
    expect(guest.call("neg", -(2n ** 63n) + 1n)).toBe(2n ** 63n - 1n);
    expect(guest.call("neg", 5)).toBe(-5n);
    expect(guest.call("maxU64", 2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
    expect(guest.call("mix", -1, 2, -3, 4, -5, 4_000_000_000, 0.5)).toBe(-1 + 2e3 - 3e6 + 4e9 - 5 + 4_000_000_000 + 0.5);
    expect(guest.call("signs", -128, -32768)).toBe(-128 * 100000 - 32768);
    expect(guest.call("u32max")).toBe(0xffffffff);
    expect(guest.call("i8min")).toBe(-128);
    expect(guest.call("f32third")).toBe(Math.fround(1 / 3));
  });

  it("lowerString/liftString work on their own (failure messages)", () => {
    const ptr = lowerString(guest.ctx, "boom 💥");
    expect(liftString(guest.ctx, ptr)).toBe("boom 💥");
  });
});
