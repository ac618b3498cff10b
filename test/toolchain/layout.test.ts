// Every value Wasm and JS must agree on (shared-memory addresses, record offsets, state words, value tags) is defined
// once, in wasm/memory/layout.ts, and mirrored in host/abi/layout.ts. This checks that the mirror is complete and
// exact, and that no other file keeps a copy of its own.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as host from "../../host/abi/layout.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/**
 * Copies waiting for their file to import the layout's name instead (files others are changing this session: the
 * lead redraws wasm/scheduler/'s layers, the collector's work is in heap.ts). Until then each must equal the layout's
 * value; once a copy is gone, its entry here must go too.
 */
const PENDING_WASM_COPIES: Record<string, string[]> = {
};

/** The `@inline export const NAME: type = expression;` constants of the Wasm layout, evaluated in order. */
function wasmLayout(): Record<string, number> {
  const values: Record<string, number> = {};
  for (const m of read("wasm/memory/layout.ts").matchAll(/export const (\w+): \w+ = ([^;]+);/g)) {
    values[m[1]] = evaluate(m[2], values, `layout.ts: ${m[1]}`);
  }
  return values;
}

/** A constant expression of AssemblyScript (numbers, casts, arithmetic, names defined in `known`). */
function evaluate(expression: string, known: Record<string, number>, where: string): number {
  const expr = expression.replace(/<\w+>/g, "").replace(/\b([A-Z_][A-Z0-9_]*)\b/g, (name) => {
    if (!(name in known)) throw new Error(`${where} uses ${name}, which the layout does not define (before it)`);
    return String(known[name]);
  });
  return Function(`"use strict"; return (${expr});`)() as number;
}

/** Every .ts file under `dir` (relative to the repository). */
function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => `${dir}/${f.split(path.sep).join("/")}`)
    .sort();
}

/** Upper-case `const` definitions anywhere in `source` (AssemblyScript or TypeScript), by name: value as written. */
function constants(file: string, source: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const d of node.declarations) {
        if (ts.isIdentifier(d.name) && /^[A-Z][A-Z0-9_]*$/.test(d.name.text)) found.set(d.name.text, d.initializer?.getText() ?? "");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true));
  return found;
}

const wasm = wasmLayout();
const mirror = host as unknown as Record<string, number>;

describe("shared constants", () => {
  it("the parser found every value of the Wasm layout", () => {
    expect(Object.keys(wasm).length).toBe(read("wasm/memory/layout.ts").match(/\bexport const /g)?.length);
    expect(Object.keys(wasm).length).toBeGreaterThan(140);
    expect(wasm.GC_STATE).toBe(3072);
    expect(wasm.R_ARGS).toBe(56);
  });

  it("every value of wasm/memory/layout.ts has a mirror in host/abi/layout.ts, with the same value", () => {
    const missing = Object.keys(wasm).filter((name) => !(name in mirror));
    expect(missing, "names host/abi/layout.ts lacks").toEqual([]);
    for (const name of Object.keys(wasm)) expect({ name, value: mirror[name] }).toEqual({ name, value: wasm[name] });
  });

  it("host/abi/layout.ts defines nothing the Wasm layout does not", () => {
    expect(Object.keys(mirror).filter((name) => !(name in wasm))).toEqual([]);
  });

  it("no other host file keeps its own copy of a layout value", () => {
    const copies: string[] = [];
    for (const file of tsFiles("host")) {
      if (file === "host/abi/layout.ts") continue;
      for (const name of constants(file, read(file)).keys()) if (name in wasm) copies.push(`${file}: ${name}`);
    }
    expect(copies).toEqual([]);
  });

  it("no other Wasm file defines a layout value, except the listed copies, which match", () => {
    const copies: string[] = [];
    for (const file of tsFiles("wasm")) {
      if (file === "wasm/memory/layout.ts") continue;
      for (const [name, value] of constants(file, read(file))) {
        if (!(name in wasm)) continue;
        if (!PENDING_WASM_COPIES[file]?.includes(name)) copies.push(`${file}: ${name}`);
        else expect({ file, name, value: evaluate(value, wasm, `${file}: ${name}`) }).toEqual({ file, name, value: wasm[name] });
      }
    }
    expect(copies).toEqual([]);
  });

  it("every listed copy still exists (drop the entry once its file imports the layout's name)", () => {
    for (const [file, names] of Object.entries(PENDING_WASM_COPIES)) {
      const defined = constants(file, read(file));
      for (const name of names) expect({ file, name, defined: defined.has(name) }).toEqual({ file, name, defined: true });
    }
  });

  it("asconfig.json compiles static data from the layout's MEMORY_BASE", () => {
    const config = JSON.parse(read("asconfig.json")) as { options: { memoryBase: number } };
    expect(config.options.memoryBase).toBe(wasm.MEMORY_BASE);
  });
});
