// The host reads the shared header at addresses it keeps in host/runtime/layout.ts; the runtime defines them in
// wasm/memory/layout.ts. Every name both files define must have the same value.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as host from "../../host/runtime/layout.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The `@inline export const NAME: type = expression;` constants of the Wasm layout, evaluated in order. */
function wasmLayout(): Record<string, number> {
  const source = readFileSync(path.join(ROOT, "wasm/memory/layout.ts"), "utf8");
  const values: Record<string, number> = {};
  for (const m of source.matchAll(/export const (\w+): \w+ = ([^;]+);/g)) {
    const expr = m[2].replace(/<\w+>/g, "").replace(/\b([A-Z_]+)\b/g, (name) => {
      if (!(name in values)) throw new Error(`layout.ts: ${m[1]} uses ${name} before it is defined`);
      return String(values[name]);
    });
    values[m[1]] = Function(`"use strict"; return (${expr});`)() as number;
  }
  return values;
}

describe("shared header layout", () => {
  it("the host's addresses match the runtime's", () => {
    const wasm = wasmLayout();
    const shared = Object.keys(host).filter((k) => k in wasm);
    expect(shared.length).toBeGreaterThan(15);
    for (const name of shared) expect({ name, value: (host as Record<string, unknown>)[name] }).toEqual({ name, value: wasm[name] });
  });
});
