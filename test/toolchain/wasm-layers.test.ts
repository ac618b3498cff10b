// The runtime's layers (docs/design.md, "## Layers") are enforced here: every import in wasm/ must go to the same
// layer or one below it, and the imports must form no cycle. The table is read from the design notes, so the rule a
// newcomer reads is the rule the test checks.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WASM = path.join(ROOT, "wasm");

export interface Layer { rank: number; name: string; paths: string[] }

/** The rows of the first table under "## Layers": | rank | name | `path`, `path` | what |. */
export function readLayers(design: string): Layer[] {
  const at = design.search(/^## Layers\s*$/m);
  if (at < 0) throw new Error('docs/design.md has no "## Layers" section');
  const layers: Layer[] = [];
  for (const line of design.slice(at).split("\n").slice(1)) {
    if (line.startsWith("## ")) break;
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 5 || !/^\d+$/.test(cells[1])) {
      if (layers.length > 0 && !line.startsWith("|")) break; // the table ended
      continue;
    }
    const paths = [...cells[3].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    layers.push({ rank: Number(cells[1]), name: cells[2], paths });
  }
  if (layers.length === 0) throw new Error('the "## Layers" section has no layer table');
  return layers;
}

/** The layer of a file (path relative to wasm/): the longest matching path of the table. */
export function layerOf(layers: Layer[], file: string): Layer | undefined {
  let best: Layer | undefined;
  let bestLength = -1;
  for (const layer of layers) {
    for (const p of layer.paths) {
      const hit = p.endsWith("/") ? file.startsWith(p) : file === p;
      if (hit && p.length > bestLength) { best = layer; bestLength = p.length; }
    }
  }
  return best;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith(".ts")) out.push(full);
  }
  return out;
}

/** The wasm/ files a file imports or re-exports from (relative specifiers, and `vthreads/...` of the runtime itself). */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, false);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    let target: string;
    if (fileName.startsWith(".")) target = path.resolve(path.dirname(file), fileName);
    else if (fileName.startsWith("vthreads/")) target = path.join(WASM, fileName.slice("vthreads/".length));
    else continue; // "vthreads" (the package entry, from a guest-facing file) or std
    out.push(path.relative(WASM, target.endsWith(".ts") ? target : target + ".ts"));
  }
  return out;
}

/** One cycle of the graph as a path a -> b -> ... -> a, or null. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) { const c = visit(m); if (c) return c; }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of [...graph.keys()].sort()) {
    if (!state.has(n)) { const c = visit(n); if (c) return c; }
  }
  return null;
}

describe("the runtime's layers (docs/design.md)", () => {
  const layers = readLayers(readFileSync(path.join(ROOT, "docs/design.md"), "utf8"));
  const files = sourceFiles(WASM).map((f) => path.relative(WASM, f)).sort();
  const graph = new Map(files.map((f) => [f, importsOf(path.join(WASM, f))] as const));

  it("the table names the layers in order, and every file of wasm/ belongs to one", () => {
    expect(layers.map((l) => l.rank)).toEqual(layers.map((_, i) => i));
    expect(files.filter((f) => layerOf(layers, f) === undefined)).toEqual([]);
  });

  it("every import goes to a file that exists", () => {
    const missing = [...graph].flatMap(([f, to]) => to.filter((t) => !graph.has(t)).map((t) => `${f} -> ${t}`));
    expect(missing).toEqual([]);
  });

  it("no file imports a layer above its own", () => {
    const upward: string[] = [];
    for (const [f, to] of graph) {
      const from = layerOf(layers, f)!;
      for (const t of to) {
        const target = layerOf(layers, t);
        if (target && target.rank > from.rank) upward.push(`${f} (${from.name}) -> ${t} (${target.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("the imports form no cycle", () => {
    expect(findCycle(graph)).toBeNull();
  });

  // The checks themselves, on small made-up inputs: a test that cannot fail checks nothing.
  it("finds an upward edge and a cycle when there is one", () => {
    const t = readLayers("## Layers\n\n| layer | name | paths | what |\n|---|---|---|---|\n| 0 | low | `a/` | x |\n| 1 | high | `b/`, `c.ts` | y |\n");
    expect(t.map((l) => [l.rank, l.name, l.paths])).toEqual([[0, "low", ["a/"]], [1, "high", ["b/", "c.ts"]]]);
    expect(layerOf(t, "a/x.ts")?.name).toBe("low");
    expect(layerOf(t, "c.ts")?.name).toBe("high");
    expect(layerOf(t, "d.ts")).toBeUndefined();
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b"]], ["b", []], ["c", ["a", "b"]]]))).toBeNull();
  });
});
