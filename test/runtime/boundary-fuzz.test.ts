// Property-based tests of the host boundary (fast-check): generated values of every supported type go through an
// export, a declared host function and callHost, and come back exactly: strings with lone surrogates and NULs,
// empty and large typed arrays (compared byte for byte, so NaN payloads count), i64/u64 extremes, -0 and NaN.
// Values that do not fit a parameter are refused with the binding's messages, never truncated. Guest:
// test/guests/boundary.ts, host functions: test/guests/boundary-host.mjs.
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../dist/host/index.js";
import { REPO_ROOT, useGuest, sharedRuntime, backendAndWorkers } from "./helpers.js";

const HOST = path.join(REPO_ROOT, "test", "guests", "boundary-host.mjs");
const RUNS = Number(process.env.VTHREADS_FUZZ_RUNS ?? 60);

const wasm = useGuest("boundary");

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/** Every UTF-16 code unit, lone surrogates and NUL included, with the edges often. */
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }),
  fc.constantFrom(0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd, 0xfeff, 0xffff),
).map((u) => String.fromCharCode(u));
const anyString = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }), // well-formed, astral characters included
  fc.string({ unit: codeUnit, minLength: 10_000, maxLength: 20_000 }),
);

/** A Float32Array/Float64Array of arbitrary bits: every NaN payload, -0, infinities, subnormals. */
function floatBits(bytes: number) {
  return fc.uint8Array({ maxLength: 256 }).map((b) => {
    const n = Math.floor(b.length / bytes) * bytes;
    return b.slice(0, n).buffer;
  });
}

const int64 = fc.oneof(fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.constantFrom(I64_MIN, I64_MAX, -1n, 0n, 1n));
const uint64 = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(0n, 1n, U64_MAX, 2n ** 63n));

const SCALARS: Record<string, fc.Arbitrary<unknown>> = {
  i8: fc.integer({ min: -128, max: 127 }),
  u8: fc.integer({ min: 0, max: 255 }),
  i16: fc.integer({ min: -32768, max: 32767 }),
  u16: fc.integer({ min: 0, max: 65535 }),
  i32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  u32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  i64: int64,
  u64: uint64,
  f32: fc.float(), // values an f32 holds exactly (NaN, -0 and infinities included)
  f64: fc.double(),
  bool: fc.boolean(),
  string: anyString,
};

const sizes = { maxLength: 300 };
const TYPED: Record<string, fc.Arbitrary<ArrayBufferView>> = {
  Int8Array: fc.int8Array(sizes),
  Uint8Array: fc.oneof(fc.uint8Array(sizes), fc.uint8Array({ minLength: 100_000, maxLength: 300_000 })),
  Uint8ClampedArray: fc.uint8ClampedArray(sizes),
  Int16Array: fc.int16Array(sizes),
  Uint16Array: fc.uint16Array(sizes),
  Int32Array: fc.int32Array(sizes),
  Uint32Array: fc.uint32Array(sizes),
  Int64Array: fc.bigInt64Array(sizes),
  Uint64Array: fc.bigUint64Array(sizes),
  Float32Array: floatBits(4).map((b) => new Float32Array(b)),
  Float64Array: floatBits(8).map((b) => new Float64Array(b)),
};

/** Exactly the same value: Object.is for numbers (NaN, -0), bytes for typed arrays, element-wise for arrays. */
function same(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  return Object.is(a, b);
}

/** What a 64-bit export returns: always a bigint; smaller integers and floats as numbers. */
function expected(type: string, value: unknown): unknown {
  if ((type === "i64" || type === "u64") && typeof value === "number") return BigInt(value);
  return value;
}

async function roundTrip(rt: Runtime, fn: string, type: string, value: unknown): Promise<void> {
  const back = await rt.call(fn, value);
  if (!same(back, expected(type, value))) {
    throw new Error(`${fn}(${describeValue(value)}) came back as ${describeValue(back)}`);
  }
}

function describeValue(v: unknown): string {
  if (typeof v === "string") return `string of ${v.length} code units ${JSON.stringify(v.slice(0, 40))}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of ${v.byteLength} bytes`;
  if (typeof v === "bigint") return `${v}n`;
  return Object.is(v, -0) ? "-0" : String(v);
}

for (const workers of [1, 4]) {
  describe(`the host boundary, fuzzed (${backendAndWorkers(workers)})`, () => {
    const rt = sharedRuntime(wasm, workers, { hostModule: HOST });

    for (const [type, arb] of Object.entries(SCALARS)) {
      it(`${type}: through an export, a declared host function${["i32", "i64", "f64", "bool", "string"].includes(type) ? " and callHost" : ""}`, async () => {
        const call = { i32: "call_i32", i64: "call_i64", f64: "call_f64", bool: "call_bool", string: "call_str" }[type];
        await fc.assert(
          fc.asyncProperty(arb, async (v) => {
            await roundTrip(rt(), `echo_${type}`, type, v);
            await roundTrip(rt(), `host_echo_${type}`, type, v);
            if (call) await roundTrip(rt(), call, type, v);
          }),
          { numRuns: RUNS },
        );
      });
    }

    it("string: the guest sees exactly the code units given (lone surrogates and NULs are not replaced)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: codeUnit, maxLength: 64 }), async (s) => {
          const units = Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
          expect(await rt().call("codeUnits", s)).toEqual(units);
        }),
        { numRuns: RUNS },
      );
    });

    for (const [type, arb] of Object.entries(TYPED)) {
      it(`${type}: byte for byte through an export${type === "Uint8Array" ? ", a declared host function and callHost" : ""}, empty and large`, async () => {
        await fc.assert(
          fc.asyncProperty(arb, async (v) => {
            await roundTrip(rt(), `echo_${type}`, type, v);
            if (type === "Uint8Array") {
              await roundTrip(rt(), "host_echo_Uint8Array", type, v);
              await roundTrip(rt(), "call_bytes", type, v);
            }
          }),
          { numRuns: Math.ceil(RUNS / 2) },
        );
      });
    }

    for (const [type, arb] of Object.entries(SCALARS)) {
      it(`Array<${type}>: element for element through an export`, async () => {
        const elements = type === "string" ? fc.string({ unit: codeUnit, maxLength: 16 }) : arb;
        await fc.assert(
          fc.asyncProperty(fc.array(elements, { maxLength: 50 }), async (xs) => {
            const back = (await rt().call(`echo_Array_${type}`, xs)) as unknown[];
            const want = xs.map((x) => expected(type, x));
            if (!same(back, want)) throw new Error(`Array<${type}> of ${xs.length} came back different`);
          }),
          { numRuns: Math.ceil(RUNS / 2) },
        );
      });
    }

    it("huge typed arrays: 8 MiB of random bytes through an export, a declared host function and callHost", async () => {
      const big = new Uint8Array(8 << 20);
      for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
      for (const fn of ["echo_Uint8Array", "host_echo_Uint8Array", "call_bytes"]) await roundTrip(rt(), fn, "Uint8Array", big);
      const doubles = new Float64Array(1 << 20).map((_, i) => (i % 3 === 0 ? NaN : i / 7));
      await roundTrip(rt(), "echo_Float64Array", "Float64Array", doubles);
    });

    it("values a parameter cannot hold are refused with the binding's message, naming type and value", async () => {
      const INT: Record<string, [number, number]> = {
        i8: [-128, 127], u8: [0, 255], i16: [-32768, 32767], u16: [0, 65535], i32: [-(2 ** 31), 2 ** 31 - 1], u32: [0, 2 ** 32 - 1],
      };
      for (const [type, [min, max]] of Object.entries(INT)) {
        const where = `export "echo_${type}": parameter "x" expects ${type}`;
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }),
              fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
            ),
            async (v) => {
              await expect(rt().call(`echo_${type}`, v)).rejects.toThrow(new RangeError(`${where} (an integer in ${min}..${max}), got number ${v}`));
            },
          ),
          { numRuns: 20 },
        );
        await fc.assert(
          fc.asyncProperty(fc.double().filter((d) => !Number.isInteger(d)), async (v) => {
            await expect(rt().call(`echo_${type}`, v)).rejects.toThrow(new TypeError(`${where} (an integer number), got number ${String(v)}`));
          }),
          { numRuns: 20 },
        );
      }
      for (const [type, [min, max]] of [["i64", [I64_MIN, I64_MAX]], ["u64", [0n, U64_MAX]]] as const) {
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.bigInt({ min: max + 1n, max: max * 4n + 4n }), fc.bigInt({ min: min - 2n ** 70n, max: min - 1n })), async (v) => {
            await expect(rt().call(`echo_${type}`, v)).rejects.toThrow(
              new RangeError(`export "echo_${type}": parameter "x" expects ${type} (in ${min}..${max}), got bigint ${v}n`),
            );
          }),
          { numRuns: 20 },
        );
        await expect(rt().call(`echo_${type}`, 2 ** 53)).rejects.toThrow(RangeError);
      }
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.bigInt()), async (v) => {
          await expect(rt().call("echo_string", v)).rejects.toThrow(TypeError);
        }),
        { numRuns: 20 },
      );
      expect(rt().schedulerStats().liveThreads).toBe(0); // none of them started a thread
    });
  });
}
