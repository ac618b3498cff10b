// The README's file map ("## How it works") is how a newcomer finds the code. It must name only files that exist,
// and name every source file of the runtime (wasm/) and the host (host/), so that it stays complete as files move.
//
// The block's format: a top folder at column 0 ("wasm/", "host/"), sub-folders at column 2 ("  memory/  layout.ts
// ..."), continuation lines indented further that stay in the folder above them; file names anywhere on a line, alone
// or several at once ("exit.ts, cleanup.ts, finish.ts"), also inside a description ("...; deadlock.ts: deadlock
// detection"). A name with a slash is relative to its top folder.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The fenced code block right under the heading "## How it works". */
export function fileMapBlock(readme: string): string {
  const heading = readme.search(/^## How it works\s*$/m);
  if (heading < 0) throw new Error('README.md has no "## How it works" section');
  const rest = readme.slice(heading);
  const open = rest.match(/^```[^\n]*\n/m);
  if (!open || open.index === undefined) throw new Error('"## How it works" has no code block');
  const body = rest.slice(open.index + open[0].length);
  const close = body.search(/^```\s*$/m);
  if (close < 0) throw new Error('the file map\'s code block is not closed');
  return body.slice(0, close);
}

export interface MapEntry { path: string; line: number; text: string }

/** Every file the block names, as a path from the repository root, with the line that names it. */
export function parseFileMap(block: string): MapEntry[] {
  const entries: MapEntry[] = [];
  let top = "";
  let sub = "";
  block.split("\n").forEach((text, i) => {
    if (text.trim() === "") return;
    const indent = text.length - text.trimStart().length;
    const first = text.trim().split(/\s+/)[0];
    if (indent === 0) {
      // A top folder line ("wasm/   the runtime...") starts a new tree.
      if (!first.endsWith("/")) throw new Error(`file map line ${i + 1}: expected a folder at column 0: ${text}`);
      top = first;
      sub = "";
    } else if (indent <= 2) {
      // A line of the top folder: a sub-folder followed by its first file, or files of the top folder itself.
      sub = first.endsWith("/") ? first : "";
    } // deeper: a continuation line, in the folder of the line above
    if (top === "") throw new Error(`file map line ${i + 1}: a file before any top folder: ${text}`);
    for (const m of text.matchAll(/(?<![\w./-])((?:[\w-]+\/)*[\w.-]+\.ts)\b/g)) {
      const name = m[1];
      const rel = name.includes("/") ? path.posix.join(top, name) : path.posix.join(top, sub, name);
      entries.push({ path: rel, line: i + 1, text: text.trim() });
    }
  });
  return entries;
}

/** Every .ts file under `dir` (relative to the repository root), as root-relative paths with forward slashes. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(ROOT, rel))) {
      const child = path.posix.join(rel, name);
      if (statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else if (name.endsWith(".ts")) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

describe("the README's file map", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const entries = parseFileMap(fileMapBlock(readme));

  it("is found and names the runtime's and the host's files", () => {
    // A parser that silently found nothing would make both checks below pass.
    expect(entries.length).toBeGreaterThan(80);
    expect(entries.map((e) => e.path)).toContain("wasm/scheduler/thread.ts");
    expect(entries.map((e) => e.path)).toContain("host/workers/core.ts");
  });

  it("names only files that exist", () => {
    const missing = entries.filter((e) => !existsSync(path.join(ROOT, e.path)));
    expect(missing.map((e) => `${e.path} (map line ${e.line}: ${e.text})`)).toEqual([]);
  });

  it("names every .ts file of wasm/ and host/", () => {
    const named = new Set(entries.map((e) => e.path));
    const unnamed = [...sourceFiles("wasm"), ...sourceFiles("host")].filter((f) => !named.has(f));
    expect(unnamed).toEqual([]);
  });
});

describe("the file map parser", () => {
  const block = [
    "wasm/                 the runtime",
    "  index.ts            the API",
    "  memory/  layout.ts  addresses; heap.ts: the allocator",
    "           exit.ts, cleanup.ts, finish.ts   ending a thread",
    "  io/      call.ts    host calls",
    "host/                 the host",
    "  index.ts, browser.ts  entries",
    "  workers/  core.ts   per worker; see runtime/layout.ts",
  ].join("\n");

  it("resolves names by the folder of their line, several per line, in descriptions too", () => {
    expect(parseFileMap(block).map((e) => e.path)).toEqual([
      "wasm/index.ts",
      "wasm/memory/layout.ts", "wasm/memory/heap.ts",
      "wasm/memory/exit.ts", "wasm/memory/cleanup.ts", "wasm/memory/finish.ts",
      "wasm/io/call.ts",
      "host/index.ts", "host/browser.ts",
      "host/workers/core.ts", "host/runtime/layout.ts",
    ]);
  });

  it("rejects a block that does not start with a folder", () => {
    expect(() => parseFileMap("  index.ts   the API")).toThrow(/before any top folder|folder at column 0/);
    expect(() => parseFileMap("index.ts   the API")).toThrow(/folder at column 0/);
  });

  it("finds the block under its heading and nowhere else", () => {
    const md = "# x\n```\nnot/  this.ts\n```\n## How it works\n\ntext\n```\nwasm/\n  a.ts\n```\n## Next\n";
    expect(fileMapBlock(md)).toBe("wasm/\n  a.ts\n");
    expect(() => fileMapBlock("# nothing here\n")).toThrow(/How it works/);
  });
});
