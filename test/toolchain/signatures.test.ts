import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AS_ENUMS, readExportSignatures } from "../../host/toolchain/signatures.js";
import { BuildError } from "../../host/toolchain/errors.js";
import { makeTempDir, writeFiles, STUB_VTHREADS_PACKAGE } from "./harness.js";

let dir: string;
let cleanup: () => Promise<void>;
let searchPaths: string[];

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  searchPaths = [path.join(dir, "pkgs")];
  await writeFiles(dir, {
    ...STUB_VTHREADS_PACKAGE,
    "good/main.ts": [
      `import { ThreadGroup, sleep } from "vthreads";`,
      `export { fromOther } from "./other";`,
      `export { fromOther as aliased } from "./other";`,
      `export * from "./star";`,
      `export function numbers(a: i8, b: u8, c: i16, d: u16, e: i32, f: u32, g: i64, h: u64, i: f32, j: f64, k: bool): f64 {`,
      `  sleep(1); return 0;`,
      `}`,
      `export function refs(s: string, t: Int32Array, u: Uint8ClampedArray, v: Uint64Array, w: Array<f64>, x: string[], y: bool[]): Float64Array {`,
      `  new ThreadGroup(); return new Float64Array(0);`,
      `}`,
      `export function pointers(p: usize, q: isize): void {}`,
      `type Alias = i32;`,
      `enum Color { Red }`,
      `export function aliases(a: Alias, c: Color): Array<string> { return []; }`,
      `export function shadowed(a: i32): i32 { return a; }`,
      `export declare function hostImport(x: i32): void;`,
      `function notExported(x: Map<i32, i32>): void {}`,
      `export const K: i32 = 1;`,
      `export let counter: i32 = 0;`,
      `export class C { m(x: Map<i32, i32>): void {} }`,
      `export enum E { A, B }`,
      `export namespace NS { export function inner(x: Map<i32, i32>): void {} }`,
    ].join("\n"),
    "good/other.ts": `export function fromOther(name: string): Int32Array { return new Int32Array(1); }`,
    "good/star.ts": [
      `export function fromStar(xs: Array<u8>): u8 { return 0; }`,
      `export function shadowed(s: string): void {}`,
    ].join("\n"),
    "bad/types.ts": [
      `export function ok(a: i32): i32 { return a; }`,
      `export function map(m: Map<i32, i32>): void {}`,
      `export function nullable(s: string | null): void {}`,
      `class Point { x: i32 = 0; }`,
      `export function cls(p: Point): void {}`,
      `export function fn(cb: (x: i32) => void): void {}`,
      `export function nested(a: Array<Array<i32>>): void {}`,
      `export function result(): Map<string, i32> { return new Map(); }`,
      `export function generic<T>(x: T): void {}`,
      `export function __vt_call_x(): void {}`,
      `export function _startNow(): void {}`,
    ].join("\n"),
    "bad/compile.ts": [
      `export function f(a: i32): i32 {`,
      `  let s: string = a;`,
      `  return 1;`,
      `}`,
    ].join("\n"),
    "bad/parse.ts": `export function f(a: i32): i32 {\n  return a +;\n}\n`,
    "bad/missingImport.ts": `import { nope } from "./nowhere";\nexport function f(): void { nope(); }\n`,
    "cwd/asconfig.json": JSON.stringify({ entries: ["./broken.ts"], options: { runtime: "no-such-runtime" } }),
    "cwd/broken.ts": `this is not AssemblyScript`,
  });
});
afterAll(() => cleanup());

describe("readExportSignatures", () => {
  it("resolves every exported function of the entry, with parameter names and ABI types", async () => {
    const sigs = await readExportSignatures(path.join(dir, "good/main.ts"), { searchPaths });
    expect(sigs).toEqual([
      {
        name: "numbers",
        params: [
          { name: "a", type: "i8" }, { name: "b", type: "u8" }, { name: "c", type: "i16" }, { name: "d", type: "u16" },
          { name: "e", type: "i32" }, { name: "f", type: "u32" }, { name: "g", type: "i64" }, { name: "h", type: "u64" },
          { name: "i", type: "f32" }, { name: "j", type: "f64" }, { name: "k", type: "bool" },
        ],
        result: "f64",
      },
      {
        name: "refs",
        params: [
          { name: "s", type: "string" }, { name: "t", type: "Int32Array" }, { name: "u", type: "Uint8ClampedArray" },
          { name: "v", type: "Uint64Array" }, { name: "w", type: "Array<f64>" }, { name: "x", type: "Array<string>" },
          { name: "y", type: "Array<bool>" },
        ],
        result: "Float64Array",
      },
      { name: "pointers", params: [{ name: "p", type: "u32" }, { name: "q", type: "i32" }], result: "void" },
      { name: "aliases", params: [{ name: "a", type: "i32" }, { name: "c", type: "i32" }], result: "Array<string>" },
      // the entry's own `shadowed` wins over the one from `export *`, as in the compiled module
      { name: "shadowed", params: [{ name: "a", type: "i32" }], result: "i32" },
      { name: "fromOther", params: [{ name: "name", type: "string" }], result: "Int32Array" },
      { name: "aliased", params: [{ name: "name", type: "string" }], result: "Int32Array" },
      { name: "fromStar", params: [{ name: "xs", type: "Array<u8>" }], result: "u8" },
    ]);
  });

  it("names the export, the parameter and the type of everything that cannot cross the boundary", async () => {
    const error = await readExportSignatures(path.join(dir, "bad/types.ts"), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const lines = (error as BuildError).message.split("\n");
    const line = (prefix: string) => lines.find((l) => l.startsWith(prefix));
    expect(line(`export "map": parameter "m" has type "Map<i32,i32>", which cannot cross the host boundary (supported: `)).toBeDefined();
    expect(line(`export "nullable": parameter "s" has type "string | null", which cannot`)).toBeDefined();
    expect(line(`export "cls": parameter "p" has type "Point", which cannot`)).toBeDefined();
    expect(line(`export "fn": parameter "cb" has type`)).toBeDefined();
    expect(line(`export "nested": parameter "a" has type "Array<Array<i32>>", which cannot`)).toBeDefined();
    expect(line(`export "result": return type "Map<string,i32>" cannot cross the host boundary`)).toBeDefined();
    expect(line(`export "generic": generic functions cannot be exported`)).toBeDefined();
    expect(line(`export "__vt_call_x": names starting with "__vt_" or "_start" are reserved`)).toBeDefined();
    expect(line(`export "_startNow": names starting with "__vt_" or "_start" are reserved`)).toBeDefined();
    expect(lines.some((l) => l.includes(`"ok"`))).toBe(false);
    expect(lines).toHaveLength(9);
  });

  it("reports type errors with file:line:column and keeps asc's full output", async () => {
    const entry = path.join(dir, "bad/compile.ts");
    const error = (await readExportSignatures(entry, {}).catch((e: unknown) => e)) as BuildError;
    expect(error).toBeInstanceOf(BuildError);
    expect(error.message).toMatch(/compile\.ts:2:19: error TS2322: Type 'i32' is not assignable to type '~lib\/string\/String'\./);
    expect(error.diagnostics).toContain("let s: string = a;");
  });

  it("reports parse errors and unresolved imports with file:line:column", async () => {
    const parse = (await readExportSignatures(path.join(dir, "bad/parse.ts"), {}).catch((e: unknown) => e)) as BuildError;
    expect(parse).toBeInstanceOf(BuildError);
    expect(parse.message).toMatch(/parse\.ts:2:13: error TS1109: Expression expected\./);
    const missing = (await readExportSignatures(path.join(dir, "bad/missingImport.ts"), {}).catch((e: unknown) => e)) as BuildError;
    expect(missing).toBeInstanceOf(BuildError);
    expect(missing.message).toMatch(/missingImport\.ts:1:22: error TS6054: File '.*nowhere\.ts' not found\./);
  });

  it("says which entry file is missing", async () => {
    const entry = path.join(dir, "nope.ts");
    await expect(readExportSignatures(entry, {})).rejects.toThrow(new BuildError(`entry file not found: ${entry}`));
    // without --path the vthreads import cannot resolve: the search paths really are passed through
    await expect(readExportSignatures(path.join(dir, "good/main.ts"), {})).rejects.toThrow(/~lib\/vthreads/);
  });

  it("ignores an asconfig.json in the working directory", async () => {
    const cwd = process.cwd();
    process.chdir(path.join(dir, "cwd"));
    try {
      const sigs = await readExportSignatures(path.join(dir, "good/other.ts"), {});
      expect(sigs.map((s) => s.name)).toEqual(["fromOther"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("hard-codes the compiler's enum values correctly", async () => {
    const as = (await import("assemblyscript")) as unknown as Record<string, Record<string, number>>;
    for (const [enumName, values] of Object.entries(AS_ENUMS)) {
      for (const [key, value] of Object.entries(values)) {
        expect(`${enumName}.${key}=${as[enumName]![key]}`).toBe(`${enumName}.${key}=${value}`);
      }
    }
  });
});
