import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBindings, tsType } from "../../host/toolchain/bindings.js";
import { BuildError } from "../../host/toolchain/errors.js";
import type { ExportSignature } from "../../host/abi/types.js";
import { makeTempDir, writeFiles } from "./harness.js";

const sigs: ExportSignature[] = [
  { name: "add", params: [{ name: "a", type: "i32" }, { name: "b", type: "string" }], result: "f64" },
  { name: "big", params: [{ name: "x", type: "u64" }], result: "i64" },
  { name: "names", params: [{ name: "xs", type: "Array<string>" }, { name: "ys", type: "Array<i64>" }], result: "Array<string>" },
  { name: "floats", params: [{ name: "xs", type: "Float64Array" }, { name: "ws", type: "Int64Array" }], result: "Uint8ClampedArray" },
  { name: "flag", params: [{ name: "on", type: "bool" }], result: "bool" },
  { name: "nothing", params: [], result: "void" },
];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  const { js, dts } = generateBindings(sigs, { wasmFileName: "app.wasm" });
  await writeFiles(dir, {
    "package.json": JSON.stringify({ type: "module" }),
    "app.js": js,
    "app.d.ts": dts,
    // A stand-in for the vthreads package: records what the bindings ask of the Runtime.
    "node_modules/vthreads/package.json": JSON.stringify({ name: "vthreads", type: "module", exports: { ".": { types: "./index.d.ts", default: "./index.js" } } }),
    "node_modules/vthreads/index.js": [
      "export class Runtime {",
      "  static log = [];",
      "  static async start(url, options) { Runtime.log.push(['start', String(url), options]); return new Runtime(); }",
      "  async call(name, ...args) { Runtime.log.push(['call', name, args]); return `${name} done`; }",
      "  async close() { Runtime.log.push(['close']); }",
      "}",
    ].join("\n"),
    "node_modules/vthreads/index.d.ts": [
      "export interface RuntimeOptions { workers?: number }",
      "export declare class Runtime { call(name: string, ...args: unknown[]): Promise<unknown>; close(): Promise<void>; }",
    ].join("\n"),
  });
});
afterAll(() => cleanup());

describe("generateBindings", () => {
  it("maps manifest types to TypeScript types", () => {
    expect(["i8", "u32", "f32", "f64"].map(tsType)).toEqual(["number", "number", "number", "number"]);
    expect(["i64", "u64", "bool", "string", "void"].map(tsType)).toEqual(["bigint", "bigint", "boolean", "string", "void"]);
    expect(["Int32Array", "Int64Array", "Uint64Array", "Uint8ClampedArray"].map(tsType)).toEqual(["Int32Array", "BigInt64Array", "BigUint64Array", "Uint8ClampedArray"]);
    expect(["Array<f64>", "Array<u64>", "Array<bool>", "Array<string>"].map(tsType)).toEqual(["number[]", "bigint[]", "boolean[]", "string[]"]);
  });

  it("declares one promise-returning method per export, with the guest's parameter names", () => {
    const { dts } = generateBindings(sigs, { wasmFileName: "app.wasm" });
    expect(dts).toContain(`import type { Runtime, RuntimeOptions } from "vthreads";`);
    expect(dts).toContain("  add(a: number, b: string): Promise<number>;");
    expect(dts).toContain("  big(x: bigint): Promise<bigint>;");
    expect(dts).toContain("  names(xs: string[], ys: bigint[]): Promise<string[]>;");
    expect(dts).toContain("  floats(xs: Float64Array, ws: BigInt64Array): Promise<Uint8ClampedArray>;");
    expect(dts).toContain("  flag(on: boolean): Promise<boolean>;");
    expect(dts).toContain("  nothing(): Promise<void>;");
    expect(dts).toContain("export declare function load(options?: RuntimeOptions): Promise<Bound>;");
  });

  it("starts a Runtime on the .wasm next to the module and forwards calls to it", async () => {
    const mod = (await import(pathToFileURL(path.join(dir, "app.js")).href)) as { load(o?: unknown): Promise<Record<string, any>> };
    const { Runtime } = (await import(pathToFileURL(path.join(dir, "node_modules/vthreads/index.js")).href)) as { Runtime: { log: unknown[][] } };
    const app = await mod.load({ workers: 4 });
    expect(Runtime.log[0]).toEqual(["start", pathToFileURL(path.join(dir, "app.wasm")).href, { workers: 4 }]);
    expect(Object.keys(app).sort()).toEqual(["add", "big", "close", "flag", "floats", "names", "nothing", "runtime"]);
    expect(await app.add(1, "x")).toBe("add done");
    expect(Runtime.log[1]).toEqual(["call", "add", [1, "x"]]);
    expect(app.runtime).toBeInstanceOf(Runtime);
    await app.close();
    expect(Runtime.log.at(-1)).toEqual(["close"]);
  });

  it("type-checks typical use and rejects misuse", () => {
    const use = path.join(dir, "use.ts");
    const source = [
      `import type { Runtime } from "vthreads";`,
      `import { load } from "./app.js";`,
      `const app = await load({ workers: 4 });`,
      `const r: number = await app.add(1, "x");`,
      `const b: bigint = await app.big(1n);`,
      `const n: string[] = await app.names(["a"], [1n]);`,
      `const c: Uint8ClampedArray = await app.floats(new Float64Array(1), new BigInt64Array(1));`,
      `const f: boolean = await app.flag(true);`,
      `const v: void = await app.nothing();`,
      `const rt: Runtime = app.runtime;`,
      `await app.close();`,
      `// @ts-expect-error: wrong argument type`,
      `await app.add("1", "x");`,
      `// @ts-expect-error: missing argument`,
      `await app.add(1);`,
      `// @ts-expect-error: wrong result type`,
      `const s: string = await app.add(1, "x");`,
      `// @ts-expect-error: not an export`,
      `await app.nope();`,
      `export { r, b, n, c, f, v, rt, s };`,
    ].join("\n");
    const host = ts.createCompilerHost({});
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (path.resolve(name) === use ? source : readFile(name));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === use || fileExists(name);
    const program = ts.createProgram({
      rootNames: [use],
      options: {
        strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ["lib.es2022.d.ts"], types: [],
      },
      host,
    });
    const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(messages).toEqual([]);
  });

  it("refuses export names that would clash with the bound object's own members", () => {
    for (const name of ["runtime", "close", "then"]) {
      expect(() => generateBindings([{ name, params: [], result: "void" }], { wasmFileName: "a.wasm" })).toThrow(BuildError);
    }
  });
});
