// Values of every kind travel into a spawned thread (its argument) and back (its Future), exactly: sign and width of
// small integers, 64-bit integers, f32/f64 bit patterns, booleans, references, and void results.
// Guest: test/guests/spawn-types.ts.
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT, callWithin, useGuest, sharedRuntime } from "./helpers.js";

const rt = sharedRuntime(useGuest("spawn-types"), 2);

const via = (name: string, ...args: unknown[]) => callWithin(rt(), 20, name, ...args);

describe("spawn arguments and Future results of every value type", () => {
  it("i8: the child negates; -128 stays -128 (wraps in 8 bits), 127 → -127, sign survives the 64-bit argument slot", async () => {
    expect(await via("viaI8", -128)).toBe(-128);
    expect(await via("viaI8", 127)).toBe(-127);
    expect(await via("viaI8", -1)).toBe(1);
  }, TEST_TIMEOUT);

  it("u16: 65535 and 0 come back unchanged (no sign extension)", async () => {
    expect(await via("viaU16", 65535)).toBe(65535);
    expect(await via("viaU16", 0)).toBe(0);
  }, TEST_TIMEOUT);

  it("f32 and f64: halved exactly; NaN, -0, infinities and the extremes keep their meaning", async () => {
    expect(await via("viaF32", 3.5)).toBe(1.75);
    expect(await via("viaF32", -0)).toBe(-0);
    expect(await via("viaF32", Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(await via("viaF64", -1e300)).toBe(-5e299);
    expect(await via("viaF64", Number.MIN_VALUE)).toBe(0); // the smallest subnormal halves to 0 (round to even)
    expect(await via("viaF64", Number.NaN)).toBeNaN();
    expect(Object.is(await via("viaF64", -0), -0)).toBe(true);
  }, TEST_TIMEOUT);

  it("bool: negated both ways", async () => {
    expect(await via("viaBool", true)).toBe(false);
    expect(await via("viaBool", false)).toBe(true);
  }, TEST_TIMEOUT);

  it("i64 and u64: the full 64 bits (−(2^63−1) negated; 2^64−1 + 1 wraps to 0)", async () => {
    expect(await via("viaI64", -(2n ** 63n - 1n))).toBe(2n ** 63n - 1n);
    expect(await via("viaI64", 2n ** 62n + 12345n)).toBe(-(2n ** 62n + 12345n));
    expect(await via("viaU64", 2n ** 64n - 1n)).toBe(0n);
    expect(await via("viaU64", 2n ** 63n)).toBe(2n ** 63n + 1n);
  }, TEST_TIMEOUT);

  it("references as arguments: a string and an Array<i32> reach the child intact", async () => {
    expect(await via("viaString", "héllo wörld")).toBe(11);
    expect(await via("viaArray", [1, -2, 2_000_000_000, 2_000_000_000])).toBe(3_999_999_999n);
  }, TEST_TIMEOUT);

  it("reference results: a child's string and Array<i32> come back through its Future", async () => {
    expect(await via("viaStringResult", "hey")).toBe("hey!");
    expect(await via("viaStringResult", "")).toBe("!");
    expect(await via("viaArrayResult", 21)).toEqual([21, 42]);
  }, TEST_TIMEOUT);

  it("void results: 100 children returning nothing can be waited for with get() and joined; their side effects add up", async () => {
    expect(await via("sumBySideEffect", 100)).toBe(5050);
  }, TEST_TIMEOUT);

  it("a nullable reference result (string | null): both a string and null come back", async () => {
    expect(await via("viaNullable", "hey")).toBe("hey!");
    expect(await via("viaNullable", "")).toBe("<null>");
  }, TEST_TIMEOUT);

  it("f.get() before join on futures of several types at once (300 children)", async () => {
    let expected = 0;
    for (let i = 0; i < 100; i++) expected += i / 2 - (i & 0x7f) + ((i & 1) === 0 ? 0 : 1000);
    expect(await via("mixedGets", 100)).toBe(expected);
  }, TEST_TIMEOUT);
});
