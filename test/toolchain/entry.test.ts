import { afterAll, describe, expect, it } from "vitest";
import { generateEntry } from "../../host/toolchain/entry.js";
import type { ExportSignature } from "../../host/abi/types.js";
import { FRAME_SLOTS, SLOT_SIZE } from "../../host/abi/layout.js";
import { buildGuest, makeTempDir } from "./harness.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(cleanups.map((c) => c())));

const sigs: ExportSignature[] = [
  { name: "add", params: [{ name: "a", type: "i32" }, { name: "b", type: "string" }, { name: "c", type: "bool" }], result: "f64" },
  { name: "names", params: [{ name: "xs", type: "Array<string>" }], result: "Int32Array" },
  { name: "flag", params: [], result: "bool" },
  { name: "nothing", params: [{ name: "x", type: "u64" }], result: "void" },
];

describe("generateEntry", () => {
  const src = generateEntry(sigs, { guestEntry: "/p/app/src/main.ts", runtimeDir: "/p/node_modules/vthreads/wasm", entryDir: "/p/app/build" });

  it("re-exports the runtime and imports spawnRoot and the guest through relative POSIX paths", () => {
    expect(src).toContain(`export * from "../../node_modules/vthreads/wasm/host/exports";`);
    expect(src).toContain(`import { spawnRoot } from "../../node_modules/vthreads/wasm/driver/roots";`);
    expect(src).toContain(`from "../src/main";`);
    const same = generateEntry(sigs, { guestEntry: "/p/main.ts", runtimeDir: "/p/wasm", entryDir: "/p" });
    expect(same).toContain(`export * from "./wasm/host/exports";`);
    expect(same).toContain(`from "./main";`);
  });

  it("imports the runtime by package name when given one", () => {
    const src = generateEntry(sigs, { guestEntry: "/p/main.ts", runtimeDir: "vthreads", entryDir: "/tmp/work" });
    expect(src).toContain(`export * from "vthreads/host/exports";`);
    expect(src).toContain(`import { spawnRoot } from "vthreads/driver/roots";`);
    expect(src).toContain(`from "../../p/main";`);
  });

  it("reads each argument from its 8-byte slot and writes the result after them", () => {
    const slot = (i: number) => FRAME_SLOTS + SLOT_SIZE * i; // the frame's header, then one slot per argument
    expect(src).toContain(
      `store<f64>(frame, __vt_guest_add(load<i32>(frame, ${slot(0)}), changetype<string>(load<usize>(frame, ${slot(1)})), load<u8>(frame, ${slot(2)}) != 0), ${slot(3)});`,
    );
    expect(src).toContain(`store<usize>(frame, changetype<usize>(__vt_guest_names(changetype<Array<string>>(load<usize>(frame, ${slot(0)})))), ${slot(1)});`);
    expect(src).toContain(`store<u8>(frame, <u8>(__vt_guest_flag()), ${slot(0)});`);
    expect(src).toContain(`function __vt_entry_nothing(frame: usize): void {\n  __vt_guest_nothing(load<u64>(frame, ${slot(0)}));\n}`);
    expect(src).toContain("export function __vt_call_add(frame: usize): u32 {\n  return spawnRoot(__vt_entry_add, frame);\n}");
    expect(src).not.toMatch(/export function __vt_entry_/);
  });

  it("exports a type id for every managed type, with mangled names", () => {
    const ids = [...src.matchAll(/export function __vt_typeid_(\w+)\(\): u32 \{ return idof<(.+?)>\(\); \}/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(ids).toEqual(["Array_string=Array<string>", "ArrayBuffer=ArrayBuffer", "Int32Array=Int32Array", "String=string"]);
  });

  it("compiles against the runtime's API and runs root calls through frames", async () => {
    const { dir, cleanup } = await makeTempDir();
    cleanups.push(cleanup);
    const guest = await buildGuest(dir, {
      "guest/main.ts": [
        `import { sleep } from "vthreads";`,
        `export * from "./more";`,
        `export { twice as double } from "./more";`,
        `export function add(a: i32, b: string, c: bool): f64 { sleep(0); return <f64>a + <f64>b.length + (c ? 0.5 : 0); }`,
        `export function shadowed(a: i32): i32 { return a + 1; }`,
        `export default function answer(): i32 { return 42; }`,
        `export function nothing(): void {}`,
      ].join("\n"),
      "guest/more.ts": [
        `export function twice(x: i64): i64 { return x * 2; }`,
        `export function shadowed(s: string): string { return s; }`,
      ].join("\n"),
    });
    expect(guest.sigs.map((s) => s.name)).toEqual(["add", "shadowed", "answer", "default", "nothing", "double", "twice"]);
    const callExports = Object.keys(guest.exports).filter((k) => k.startsWith("__vt_call_")).sort();
    expect(callExports).toEqual(["add", "answer", "default", "double", "nothing", "shadowed", "twice"].map((n) => `__vt_call_${n}`));
    expect(guest.exports).toHaveProperty("__vt_string"); // re-exported from the runtime
    expect(Object.keys(guest.ctx.typeIds).sort()).toEqual(["ArrayBuffer", "String"]);

    expect(guest.call("add", 2, "abc", true)).toBe(5.5);
    expect(guest.call("shadowed", 41)).toBe(42);
    expect(guest.call("answer")).toBe(42);
    expect(guest.call("default")).toBe(42);
    expect(guest.call("double", 21n)).toBe(42n);
    expect(guest.call("nothing")).toBeUndefined();
    // the guest's `sleep` and the entry's `spawnRoot` share one copy of the runtime module (add slept once)
    expect((guest.exports.__vt_sleeps as () => number)()).toBe(1);
  });
});
