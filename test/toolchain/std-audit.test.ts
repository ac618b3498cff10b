// The guard of the std audit (host/toolchain/std-audit.ts): AssemblyScript's standard library, as installed, has no
// module variable, namespace variable, mutable static field or static scratch buffer (`memory.data(size)`) that the
// audit does not list. When AssemblyScript is upgraded and std grows one, this fails and names it; the build would
// also refuse any unlisted std global it meets (module-state.ts), but only in guests that happen to use it.
// Also checked here: the runtime's own module variables (wasm/), per worker by rule, each say so where declared.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { STD_GLOBALS, STD_SCRATCH_BUFFERS, STD_LOCKED_FUNCTIONS, COMPILER_GLOBALS } from "../../host/toolchain/std-audit.js";
import { STD_PATCHES } from "../../host/toolchain/std-patches.js";
import { classifyGlobal } from "../../host/toolchain/module-state.js";

const require = createRequire(import.meta.url);
const STD = path.join(path.dirname(require.resolve("assemblyscript/package.json")), "std", "assembly");
const WASM = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../wasm");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

interface Found {
  /** The compiled name: ~lib/<file>/<name>, <Namespace>.<name> or <Class>.<name>. */
  name: string;
  line: number;
  text: string;
}

/** Module-level and namespace-level `let`/`var`, and static fields that are not readonly. */
function mutableState(file: string, prefix: string): Found[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: Found[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (statements: readonly ts.Statement[], scope: string) => {
    for (const s of statements) {
      const declared = ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((x) => x.kind === ts.SyntaxKind.DeclareKeyword);
      const imported = /@(external|builtin)\b/.test(s.getFullText(source)); // a host import or a compiler builtin
      if (ts.isVariableStatement(s) && !(s.declarationList.flags & ts.NodeFlags.Const) && !declared && !imported) {
        for (const d of s.declarationList.declarations) {
          out.push({ name: `${prefix}/${scope}${d.name.getText(source)}`, line: at(s), text: s.getText(source).split("\n")[0] });
        }
      } else if (ts.isModuleDeclaration(s) && s.body && ts.isModuleBlock(s.body)) {
        visit(s.body.statements, `${scope}${s.name.getText(source)}.`);
      } else if (ts.isClassDeclaration(s) && s.name) {
        for (const m of s.members) {
          const mods = ts.canHaveModifiers(m) ? ts.getModifiers(m) ?? [] : [];
          const isStatic = mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
          const isReadonly = mods.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword);
          if (ts.isPropertyDeclaration(m) && isStatic && !isReadonly) {
            out.push({ name: `${prefix}/${scope}${s.name.getText(source)}.${m.name.getText(source)}`, line: at(m), text: m.getText(source) });
          }
        }
      }
    }
  };
  visit(source.statements, "");
  return out;
}

describe("the std audit", () => {
  const files = sourceFiles(STD).filter((f) => !f.includes(`${path.sep}rt${path.sep}`) && !f.endsWith(`${path.sep}rt.ts`));

  it("lists every mutable module variable and static field of std, and nothing std does not have", () => {
    const found = files.flatMap((f) => mutableState(f, `~lib/${path.relative(STD, f).replace(/\\/g, "/").replace(/\.ts$/, "")}`));
    const names = new Set(found.map((f) => f.name));
    const unaudited = found.filter((f) => !(f.name in STD_GLOBALS)).map((f) => `${f.name} (${f.text})`);
    expect(unaudited).toEqual([]);
    // dtoa_buf is a constant in std; the patch makes it the variable the audit lists.
    const stale = Object.keys(STD_GLOBALS).filter((n) => !names.has(n) && !STD_SCRATCH_BUFFERS.includes(n));
    expect(stale).toEqual([]);
  });

  it("knows every static scratch buffer (an uninitialised memory.data) of std, and patches each", () => {
    const buffers: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*memory\.data\s*\(\s*(?!\[)/g)) {
        buffers.push(`~lib/${path.relative(STD, f).replace(/\\/g, "/").replace(/\.ts$/, "")}/${m[1]}`);
      }
    }
    expect(buffers.sort()).toEqual([...STD_SCRATCH_BUFFERS].sort());
    for (const b of STD_SCRATCH_BUFFERS) {
      const file = b.slice("~lib/".length, b.lastIndexOf("/"));
      expect(STD_PATCHES.some((p) => p.file === file)).toBe(true);
    }
  });

  it("locks every std function that touches a shared std variable, and every one it locks exists", () => {
    const sharedFiles = new Set(Object.entries(STD_GLOBALS).filter(([, g]) => g.kind === "shared" && !g.unlocked).map(([n]) => n.slice(0, n.lastIndexOf("/"))));
    for (const f of sharedFiles) expect(STD_LOCKED_FUNCTIONS.some((fn) => fn.startsWith(`${f}/`))).toBe(true);
    for (const fn of STD_LOCKED_FUNCTIONS) {
      const file = path.join(STD, `${fn.slice("~lib/".length, fn.lastIndexOf("/"))}.ts`);
      const member = fn.slice(fn.lastIndexOf("/") + 1).split(".").pop()!;
      expect(readFileSync(file, "utf8")).toMatch(new RegExp(`\\b${member}\\s*[(<]`));
    }
  });

  it("classifies: runtime and compiler globals per worker, guest globals shared, unknown std refused with its name", () => {
    const rt = ["~lib/vthreads/"];
    expect(classifyGlobal("~lib/vthreads/scheduler/local/current", rt)).toBe("worker");
    expect(classifyGlobal("~argumentsLength", rt)).toBe("worker");
    expect(classifyGlobal("src/app/counter", rt)).toBe("shared");
    expect(classifyGlobal("~lib/math/random_state0_64", rt)).toBe("shared");
    expect(classifyGlobal("~lib/util/number/_K", rt)).toBe("worker");
    const unknown = classifyGlobal("~lib/newthing/cache", rt);
    expect(typeof unknown === "object" && unknown.unknown).toMatch(/~lib\/newthing\/cache .*not audited/);
  });
});

describe("the runtime's module variables", () => {
  it("are per worker by rule, and each says so where it is declared", () => {
    const unmarked: string[] = [];
    for (const file of sourceFiles(WASM)) {
      const lines = readFileSync(file, "utf8").split("\n");
      for (const v of mutableState(file, path.relative(WASM, file))) {
        // The declaration's line, or the comment heading its block of declarations (up to the blank line above).
        let here = lines[v.line - 1];
        for (let i = v.line - 2; i >= 0 && lines[i].trim() !== ""; i--) here += "\n" + lines[i];
        if (!/per[- ]worker/i.test(here)) unmarked.push(`wasm/${path.relative(WASM, file)}:${v.line}: ${v.text}`);
      }
    }
    expect(unmarked).toEqual([]);
  });
});
