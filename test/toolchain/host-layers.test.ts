// The host's layers (docs/design.md, "Host layers"): every import of a host/ file goes to its own layer or one below
// it, the toolchain stays apart, and no files import each other in a cycle. Parsed with the TypeScript compiler, so
// type-only imports, re-exports and dynamic imports count too.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The layers, top to bottom: a file may import its own layer and the layers below it. A layer is a folder of host/
 * ("runtime/") or, for the entries, a list of files at the top of host/.
 */
export const HOST_LAYERS: { layer: string; what: string }[] = [
  { layer: "index.ts browser.ts cli.ts init.ts toolchain.ts", what: "the package's entries and the CLI" },
  { layer: "platform/", what: "Node or the browser: how workers start, how a module is loaded" },
  { layer: "runtime/", what: "the Runtime, on the main thread: start, call, dump, stats, close" },
  { layer: "workers/", what: "what each worker runs: boot, run loop, root calls, host calls, the JSPI loop" },
  { layer: "bindings/", what: "values in and out of the shared memory" },
  { layer: "abi/", what: "the contract with the module: memory layout and its typed view, manifest, value types" },
];

/** Apart from the layers: imports only abi/ (and itself); imported only by its entry, toolchain.ts. */
export const TOOLCHAIN = { folder: "toolchain/", imports: ["abi/"], importedBy: ["toolchain.ts"] };

/** The layer (or "toolchain/") of a path relative to host/. */
function layerOf(rel: string): string {
  const folder = rel.includes("/") ? `${rel.split("/")[0]}/` : rel;
  if (folder === TOOLCHAIN.folder) return folder;
  const found = HOST_LAYERS.find(({ layer }) => layer.split(" ").includes(folder));
  if (!found) throw new Error(`host/${rel} belongs to no layer: add its folder to HOST_LAYERS (and to docs/design.md)`);
  return found.layer;
}

const rank = (layer: string) => HOST_LAYERS.findIndex((l) => l.layer === layer);

/** Every host/ .ts file (relative to host/) and the host files it imports. */
function importGraph(): Map<string, string[]> {
  const hostDir = path.join(ROOT, "host");
  const files = readdirSync(hostDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => f.split(path.sep).join("/"))
    .sort();
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(hostDir, file), "utf8"), true, true);
    const targets = info.importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, ".ts"));
    for (const t of targets) if (!files.includes(t)) throw new Error(`host/${file} imports host/${t}, which does not exist`);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Whether the table lets `from` import `to`. */
function allowed(from: string, to: string): boolean {
  const a = layerOf(from), b = layerOf(to);
  if (a === TOOLCHAIN.folder) return b === a || TOOLCHAIN.imports.includes(b);
  if (b === TOOLCHAIN.folder) return TOOLCHAIN.importedBy.includes(from);
  return rank(b) >= rank(a);
}

/** The cycles of `graph`, each as the path that closes it (a -> b -> ... -> a). */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("host layers", () => {
  const graph = importGraph();

  it("the parser finds the host's files and their imports", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("runtime/runtime.ts")).toContain("abi/shared-state.ts");
    expect(graph.get("cli.ts")).toContain("init.ts"); // a dynamic import counts
  });

  it("every file imports only its own layer and the layers below it; the toolchain stays apart", () => {
    const bad: string[] = [];
    for (const [file, targets] of graph) {
      for (const t of targets) if (!allowed(file, t)) bad.push(`${file} (${layerOf(file)}) -> ${t} (${layerOf(t)})`);
    }
    expect(bad).toEqual([]);
  });

  it("no files import each other in a cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("the checks catch an upward edge, a toolchain edge and a cycle", () => {
    expect(allowed("workers/core.ts", "runtime/runtime.ts")).toBe(false);
    expect(allowed("bindings/marshal.ts", "toolchain/types.ts")).toBe(false);
    expect(allowed("toolchain/entry.ts", "runtime/layout.ts")).toBe(false);
    expect(allowed("runtime/runtime.ts", "abi/layout.ts")).toBe(true);
    expect(cycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]))).toEqual(["a.ts -> b.ts -> c.ts -> a.ts"]);
  });

  it("docs/design.md's \"Host layers\" paragraph lists the same layers in the same order", () => {
    const design = readFileSync(path.join(ROOT, "docs/design.md"), "utf8");
    const section = /^### Host layers\n([\s\S]*?)(?=^#)/m.exec(design)?.[1] ?? "";
    const listed = [...section.matchAll(/^\d+\. `([^`]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual(HOST_LAYERS.map((l) => l.layer));
  });
});
