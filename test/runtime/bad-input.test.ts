// Wrong input gets a clear error that names the problem, and never a hang: modules that are not Wasm or were not
// built by the toolchain, bad options, calls to missing exports or with wrong arguments, calls after close, and
// builds of missing or broken guests. Guests: test/guests/inputs.ts and test/guests/invalid/*.ts.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ModuleError, Runtime, RuntimeClosedError } from "../../dist/host/index.js";
import { BuildError, build } from "../../dist/host/toolchain.js";
import { REPO_ROOT, TEST_TIMEOUT, callWithin, rejectionOf, start, stop, within, useGuest, sharedRuntime } from "./helpers.js";

const wasm = useGuest("inputs");

const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A valid Wasm module with nothing in it but one custom section. */
function moduleWithCustomSection(name: string, payload: string): Uint8Array {
  const nameBytes = [...new TextEncoder().encode(name)];
  const body = [...leb128(nameBytes.length), ...nameBytes, ...new TextEncoder().encode(payload)];
  return new Uint8Array([...WASM_HEADER, 0x00, ...leb128(body.length), ...body]);
}

const guestPath = (p: string) => path.join(REPO_ROOT, "test", "guests", p);
const outDir = path.join(REPO_ROOT, "build", "test", "bad-input");

describe("Runtime.start rejects what it cannot run, with the reason", () => {
  it("bytes that are not WebAssembly: ModuleError saying so", async () => {
    const err = await rejectionOf(Runtime.start(new Uint8Array([1, 2, 3]), { workers: 1 }));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toBe("not a WebAssembly module: the given buffer does not start with the bytes \\0asm");
  });

  it("bytes that start like Wasm but are corrupt: ModuleError 'is not valid WebAssembly' with the compiler's reason", async () => {
    const err = await rejectionOf(Runtime.start(new Uint8Array([...WASM_HEADER, 0x01, 0xff, 0xff]), { workers: 1 }));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toMatch(/is not valid WebAssembly: \S/);
  });

  it("a valid Wasm module not built by the toolchain (the empty module): ModuleError telling to build it with vthreads", async () => {
    const err = await rejectionOf(Runtime.start(new Uint8Array(WASM_HEADER), { workers: 1 }));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toContain("was not built by the vthreads toolchain");
    expect(err.message).toContain("vthreads build");
    // Also as an already compiled WebAssembly.Module.
    const compiled = await WebAssembly.compile(new Uint8Array(WASM_HEADER));
    expect((await rejectionOf(Runtime.start(compiled, { workers: 1 }))).message).toContain("not built by the vthreads toolchain");
  });

  it("a manifest for another ABI, an unreadable manifest, and a manifest without the runtime: each a ModuleError naming it", async () => {
    const abi = await rejectionOf(Runtime.start(moduleWithCustomSection("vthreads", JSON.stringify({ abi: 99, memory: { initial: 1, maximum: 2 }, exports: [] })), { workers: 1 }));
    expect(abi).toBeInstanceOf(ModuleError);
    expect(abi.message).toMatch(/ABI 99.*ABI 1.*rebuild/);
    const json = await rejectionOf(Runtime.start(moduleWithCustomSection("vthreads", "{not json"), { workers: 1 }));
    expect(json).toBeInstanceOf(ModuleError);
    expect(json.message).toContain("not valid JSON");
    const bare = await rejectionOf(Runtime.start(moduleWithCustomSection("vthreads", JSON.stringify({ abi: 1, memory: { initial: 1, maximum: 2 }, exports: [] })), { workers: 1 }));
    expect(bare).toBeInstanceOf(ModuleError);
    expect(bare.message).toContain('lacks the runtime export "__vt_boot"');
  });

  it("a path that does not exist: ModuleError naming the path", async () => {
    const missing = path.join(REPO_ROOT, "build", "test", "no-such-module.wasm");
    const err = await rejectionOf(Runtime.start(missing, { workers: 1 }));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toContain(`cannot read the module ${missing}`);
  });

  it("no source, or a source of the wrong kind: TypeError", async () => {
    const none = await rejectionOf(Runtime.start(undefined as never, { workers: 1 }));
    expect(none).toBeInstanceOf(TypeError);
    expect(none.message).toContain("a module source is required");
    const number = await rejectionOf(Runtime.start(42 as never, { workers: 1 }));
    expect(number).toBeInstanceOf(TypeError);
    expect(number.message).toContain("expected a path, URL, bytes or WebAssembly.Module, got number");
  });

  it("a guest whose start-up code throws: ModuleError naming the worker and carrying the guest's message and location", async () => {
    const out = await build({ entry: guestPath("invalid/startup-throws.ts"), outDir: path.join(outDir, "startup-throws") });
    const err = await rejectionOf(Runtime.start(out.wasmPath, { workers: 2 }));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toMatch(/^worker \d failed to start: the module's top-level code failed: start-up failed on purpose \(at .*startup-throws\.ts:5:\d+\)$/);
  }, TEST_TIMEOUT);

  it("a guest importing a host function vthreads does not provide: ModuleError naming the import", async () => {
    const out = await build({ entry: guestPath("invalid/host-import.ts"), outDir: path.join(outDir, "host-import") });
    const err = await rejectionOf(Runtime.start(out.wasmPath, { workers: 2 }));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toContain("the module imports env.myHostFunction, which the vthreads host does not provide");
  }, TEST_TIMEOUT);

  // [the value, how the message shows it]: a string is called one, so "4" is not mistaken for 4.
  for (const [workers, shown] of [
    [0, "0"], [-1, "-1"], [1.5, "1.5"], ["4", 'the string "4"'], [65, "65"], [Number.NaN, "NaN"], [Number.POSITIVE_INFINITY, "Infinity"],
  ] as const) {
    it(`workers: ${typeof workers === "string" ? JSON.stringify(workers) : String(workers)} is a RangeError naming the option and the value`, async () => {
      const err = await rejectionOf(Runtime.start(wasm(), { workers: workers as number }));
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toBe(`Runtime.start: workers must be an integer from 1 to 64, got ${shown}`);
    });
  }

  for (const sliceMs of [0, -5, Number.NaN, "5"]) {
    it(`sliceMs: ${typeof sliceMs === "string" ? JSON.stringify(sliceMs) : String(sliceMs)} is a RangeError naming the option`, async () => {
      const err = await rejectionOf(Runtime.start(wasm(), { workers: 1, sliceMs: sliceMs as number }));
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toContain(`sliceMs must be a positive number, got ${typeof sliceMs === "string" ? 'the string "5"' : String(sliceMs)}`);
    });
  }
});

describe("calls with wrong names or arguments reject before reaching a worker", () => {
  const rt = sharedRuntime(wasm, 2);

  it("a missing export: TypeError listing the exports there are", async () => {
    const err = await rejectionOf(rt().call("nope", 1));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('the module has no export "nope" (exports: add, greet, mixed, sleepFor, nothing)');
    // Runtime internals are not callable exports either.
    expect((await rejectionOf(rt().call("__vt_run", 5))).message).toContain('no export "__vt_run"');
  });

  it("too few and too many arguments: TypeError with the expected signature and the count given", async () => {
    const few = await rejectionOf(rt().call("add", 1));
    expect(few).toBeInstanceOf(TypeError);
    expect(few.message).toBe('export "add" expects 2 arguments (a: i32, b: f64), got 1');
    const many = await rejectionOf(rt().call("greet", "a", "b"));
    expect(many.message).toBe('export "greet" expects 1 argument (name: string), got 2');
    expect((await rejectionOf(rt().call("nothing", 0))).message).toBe('export "nothing" expects 0 arguments (), got 1');
  });

  const good = [200, 5n, true, [1, 2], new Int32Array([3]), ["ab"]] as const;
  const withArg = (i: number, v: unknown) => good.map((g, j) => (j === i ? v : g));
  const cases: { what: string; call: [string, ...unknown[]]; error: typeof TypeError | typeof RangeError; message: string }[] = [
    { what: "a string for i32", call: ["add", "1", 2], error: TypeError, message: 'export "add": parameter "a" expects i32 (an integer number), got string "1"' },
    { what: "a fraction for i32", call: ["add", 1.5, 2], error: TypeError, message: 'parameter "a" expects i32 (an integer number), got number 1.5' },
    { what: "2^31 for i32", call: ["add", 2 ** 31, 2], error: RangeError, message: 'parameter "a" expects i32 (an integer in -2147483648..2147483647), got number 2147483648' },
    { what: "a bigint for f64", call: ["add", 1, 2n], error: TypeError, message: 'parameter "b" expects f64 (a number), got bigint 2n' },
    { what: "undefined for f64", call: ["add", 1, undefined], error: TypeError, message: 'parameter "b" expects f64 (a number), got undefined' },
    { what: "a number for string", call: ["greet", 5], error: TypeError, message: 'export "greet": parameter "name" expects string, got number 5' },
    { what: "null for string", call: ["greet", null], error: TypeError, message: 'parameter "name" expects string, got null' },
    { what: "256 for u8", call: ["mixed", ...withArg(0, 256)], error: RangeError, message: 'parameter "small" expects u8 (an integer in 0..255), got number 256' },
    { what: "-1 for u8", call: ["mixed", ...withArg(0, -1)], error: RangeError, message: 'parameter "small" expects u8 (an integer in 0..255), got number -1' },
    { what: "2^63 for i64", call: ["mixed", ...withArg(1, 2n ** 63n)], error: RangeError, message: 'parameter "big" expects i64 (in -9223372036854775808..9223372036854775807), got bigint 9223372036854775808n' },
    { what: "an unsafe integer number for i64", call: ["mixed", ...withArg(1, 2 ** 60)], error: RangeError, message: 'parameter "big" expects i64 (a bigint, or a number within the safe integer range)' },
    { what: "1 for bool", call: ["mixed", ...withArg(2, 1)], error: TypeError, message: 'parameter "flag" expects bool (a boolean), got number 1' },
    { what: "a string in Array<i32>", call: ["mixed", ...withArg(3, [1, "2"])], error: TypeError, message: 'parameter "xs"[1] expects i32 (an integer number), got string "2"' },
    { what: "a typed array for Array<i32>", call: ["mixed", ...withArg(3, new Int32Array(2))], error: TypeError, message: 'parameter "xs" expects Array<i32> (an array), got a Int32Array' },
    { what: "a Uint8Array for Int32Array", call: ["mixed", ...withArg(4, new Uint8Array(4))], error: TypeError, message: 'parameter "t" expects Int32Array, got a Uint8Array' },
    { what: "a plain array for Int32Array", call: ["mixed", ...withArg(4, [1])], error: TypeError, message: 'parameter "t" expects Int32Array, got an array of length 1' },
    { what: "a number in Array<string>", call: ["mixed", ...withArg(5, ["a", 7])], error: TypeError, message: 'parameter "words"[1] expects string, got number 7' },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.error.name} naming the export, the parameter, the type and the value`, async () => {
      const err = await rejectionOf(rt().call(...c.call));
      expect(err).toBeInstanceOf(c.error);
      expect(err.message).toContain(c.message);
    });
  }

  it("none of the rejected calls reached the runtime, and correct calls still work", async () => {
    expect(rt().schedulerStats().spawned).toBe(0);
    expect(await callWithin(rt(), 20, "mixed", ...good)).toBe(200n + 5n + 1000n + 3n + 30n + 200n);
    expect(await callWithin(rt(), 20, "greet", "wörld")).toBe("hello, wörld");
    expect(await callWithin(rt(), 20, "nothing")).toBeUndefined();
    expect(rt().schedulerStats().spawned).toBe(3);
  });
});

describe("calls after close", () => {
  it("close() waits for the calls in flight; calls made after it reject with RuntimeClosedError; close() twice is fine", async () => {
    const rt = await start(wasm(), 2);
    const inFlight = rt.call("sleepFor", 50);
    const closing = rt.close();
    const during = await rejectionOf(rt.call("add", 1, 2));
    expect(during).toBeInstanceOf(RuntimeClosedError);
    expect(during.message).toBe('cannot call "add": the runtime is closed');
    expect(await within(inFlight, 20, "the call in flight")).toBeGreaterThanOrEqual(50);
    await within(closing, 20, "close()");
    const after = await rejectionOf(rt.call("greet", "x"));
    expect(after).toBeInstanceOf(RuntimeClosedError);
    expect(after.message).toBe('cannot call "greet": the runtime is closed');
    // A bad export name after close: the closed runtime is the first thing reported.
    expect(await rejectionOf(rt.call("nope"))).toBeInstanceOf(RuntimeClosedError);
    await within(rt.close(), 5, "a second close()");
    await stop(rt);
  }, TEST_TIMEOUT);
});

describe("build() rejects what it cannot build, with the reason", () => {
  it("a missing entry file: BuildError naming the file", async () => {
    const err = await rejectionOf(build({ entry: guestPath("no-such-guest.ts"), outDir }));
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toBe(`entry file not found: ${guestPath("no-such-guest.ts")}`);
  });

  it("no entry at all: BuildError showing how to give one", async () => {
    const err = await rejectionOf(build({} as never));
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toContain("an entry file is required");
  });

  it("a guest that does not compile: BuildError with the compiler's message at file:line:column", async () => {
    const err = await rejectionOf(build({ entry: guestPath("invalid/compile-error.ts"), outDir }), 60);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toMatch(/compile-error\.ts:5:\d+: error TS\d+: Type 'i32' is not assignable to type .*String/);
  }, TEST_TIMEOUT);

  it("exports whose types cannot cross the host boundary (a class parameter, a Map result): BuildError naming each export, parameter and type", async () => {
    const err = await rejectionOf(build({ entry: guestPath("invalid/unsupported-type.ts"), outDir }), 60);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toContain('export "usesClass": parameter "p" has type "Point", which cannot cross the host boundary');
    expect(err.message).toContain('export "returnsMap": return type "Map<string,i32>" cannot cross the host boundary');
    expect(err.message).not.toContain('"fine"');
  }, TEST_TIMEOUT);
});
