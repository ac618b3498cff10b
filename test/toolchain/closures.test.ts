// The closure transform (host/toolchain/closures.ts): what it lifts and what it leaves, and the compile errors a
// user sees, at their file, line and column. Running closures: test/runtime/closures.test.ts.
import path from "node:path";
import { symlink } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ASTBuilder, Parser } from "assemblyscript";
import { closureTransform } from "../../host/toolchain/closures.js";
import { readGuestInterface } from "../../host/toolchain/signatures.js";
import { BuildError } from "../../host/toolchain/errors.js";
import { makeTempDir } from "./harness.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const invalid = (name: string) => path.join(REPO, "test", "guests", "invalid", name);

let searchPaths: string[];
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const tmp = await makeTempDir();
  cleanup = tmp.cleanup;
  await symlink(path.join(REPO, "wasm"), path.join(tmp.dir, "vthreads"), "dir");
  searchPaths = [tmp.dir];
});
afterAll(() => cleanup());

/** Parses `text` as a user file, runs the transform, and prints the file back as AssemblyScript. */
function transformed(text: string): { out: string; errors: string[] } {
  const parser = new Parser();
  parser.parseFile(text, "user.ts", true);
  closureTransform.afterParse(parser);
  const source = parser.sources.find((s) => s.normalizedPath === "user.ts")!;
  return { out: ASTBuilder.build(source), errors: parser.diagnostics.map((d) => d.message) };
}

describe("what the transform lifts", () => {
  it("an arrow function that captures a local becomes a call with the captured values; the body is kept", () => {
    const { out, errors } = transformed([
      "export function f(n: i32): i32 {",
      "  const url = 'x' + n.toString();",
      "  const g = new ThreadGroup();",
      "  return g.spawn(() => fetchPage(url, n)).get();",
      "}",
    ].join("\n"));
    expect(errors).toEqual([]);
    expect(out).toMatch(/g\.spawn\(__vt_closure_\d+\(url, n, false \? \(__vt_site: __vt_site_\d+\) => fetchPage\(url, n\) : null\)\)/);
    expect(out).toMatch(/const url = __vt_env\.url;\s+const n = __vt_env\.n;\s+return fetchPage\(url, n\);/);
  });

  it("leaves alone arrow functions that capture nothing, and module-level variables (they are not captured)", () => {
    const text = [
      "const GREETING = 'hi';",
      "let counter = 0;",
      "export function f(): i32 {",
      "  const g = new ThreadGroup();",
      "  g.spawn(() => GREETING.length + counter);",
      "  return g.spawn((x: i32) => x + 1, 2).get();",
      "}",
    ].join("\n");
    const { out, errors } = transformed(text);
    expect(errors).toEqual([]);
    expect(out).not.toContain("__vt_closure");
  });

  it("`this` in an arrow function inside a method is captured; a nested closure captures through its parent", () => {
    const { out, errors } = transformed([
      "class C {",
      "  n: i32 = 1;",
      "  m(k: i32): void {",
      "    const g = new ThreadGroup();",
      "    g.spawn(() => { g.spawn(() => this.n + k); });",
      "  }",
      "}",
    ].join("\n"));
    expect(errors).toEqual([]);
    // The outer closure captures this, g and k; the inner one gets this (as __vt_this) and k from it.
    expect(out).toMatch(/g\.spawn\(__vt_closure_\d+\(this, g, k, false \?/);
    expect(out).toMatch(/g\.spawn\(__vt_closure_\d+\(__vt_this, k, false \? \(__vt_site: __vt_site_\d+, __vt_this: C\) => __vt_this\.n \+ k : null\)\)/);
  });

  it("names in a switch case's expression are captured too", () => {
    const { out, errors } = transformed([
      "export function f(limit: i32): void {",
      "  const g = new ThreadGroup();",
      "  g.spawn((): i32 => { switch (g.size) { case limit: return 1; default: return 0; } });",
      "}",
    ].join("\n"));
    expect(errors).toEqual([]);
    expect(out).toMatch(/g\.spawn\(__vt_closure_\d+\(g, limit, false \?/);
  });

  it("a for loop's own variable, updated only by the loop, may be captured in the body", () => {
    const { errors } = transformed([
      "export function f(n: i32): void {",
      "  const g = new ThreadGroup();",
      "  for (let i = 0; i < n; i++) g.spawn(() => i * 2);",
      "}",
    ].join("\n"));
    expect(errors).toEqual([]);
  });
});

describe("compile errors, at the user's file, line and column", () => {
  it("capture-then-assign names the variable and both places; block bodies need a result type; no parameters yet", async () => {
    const err = await readGuestInterface(invalid("closure-errors.ts"), { searchPaths }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    const message = (err as BuildError).message;
    const file = "closure-errors.ts";
    expect(message).toMatch(new RegExp(`${file}:8:27: error TS102: .*closure captures 'total', which is assigned after its declaration \\(at \\S*${file}:9:3\\)`));
    expect(message).toMatch(new RegExp(`${file}:17:27: error TS102: .*closure captures 'n', which is assigned after its declaration \\(at \\S*${file}:16:3\\)`));
    expect(message).toMatch(new RegExp(`${file}:25:19: error TS102: .*closure captures 'i', which is assigned after its declaration \\(at \\S*${file}:26:5\\)`));
    expect(message).toMatch(new RegExp(`${file}:34:21: error TS102: .*needs its return type written out`));
    expect(message).toMatch(new RegExp(`${file}:40:15: error TS102: .*cannot take parameters yet`));
  }, 60_000);

  it("a type error inside a closure's body is reported where the user wrote it", async () => {
    const err = await readGuestInterface(invalid("closure-type-error.ts"), { searchPaths }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).message).toMatch(/closure-type-error\.ts:7:52: error TS2322: Type 'i32' is not assignable to type .*String/);
  }, 60_000);
});
