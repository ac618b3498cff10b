// The published package, as a user gets it: `npm pack`, installed into a fresh ES module project in a temporary
// folder. The runtime alone installs with nothing from the registry and nothing run at install time; the toolchain
// is the optional peer dependencies, added with the command the CLI names; then a guest is built with the installed
// CLI and run from Node, through its generated bindings, through `vthreads run`, and from CommonJS.
import { readFile, rm, writeFile, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npmInstall, packRepo, sh, tempDir, type Packed } from "./support.js";

let dir: string;
let packed: Packed;
let project: string;

beforeAll(async () => {
  dir = await tempDir("pack");
  packed = await packRepo(dir);
  project = path.join(dir, "app");
  await mkdir(path.join(project, "src"), { recursive: true });
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }, null, 2));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Disk use of a folder in bytes (du: what the install really takes, blocks included). */
async function diskBytes(folder: string): Promise<number> {
  const { stdout } = await sh("du", ["-sk", folder], folder);
  return Number(stdout.split(/\s/)[0]) * 1024;
}

describe("the packed tarball", () => {
  it("holds dist/, the guest library (wasm/), the docs and nothing else of ours", () => {
    const outside = packed.files.filter((f) => !/^(dist\/host\/|wasm\/|docs\/)/.test(f) && !["package.json", "README.md", "asconfig.json", "LICENSE"].includes(f));
    expect(outside).toEqual([]);
    expect(packed.files.filter((f) => /(^|\/)(test|tests|bench|build|examples|node_modules)\//.test(f) || /\.test\.[jt]s$/.test(f))).toEqual([]);
    expect(packed.files).toContain("dist/host/index.js");
    expect(packed.files).toContain("dist/host/toolchain.js");
    expect(packed.files).toContain("dist/host/cli.js");
    expect(packed.files).toContain("wasm/index.ts");
  });

  it("runs nothing at install time and needs no dependency to run modules", () => {
    const scripts = Object.keys(packed.manifest.scripts ?? {});
    expect(scripts.filter((s) => ["preinstall", "install", "postinstall", "prepare"].includes(s))).toEqual([]);
    expect(packed.manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(packed.manifest.peerDependencies ?? {}).sort()).toEqual(["assemblyscript", "binaryen"]);
  });
});

describe("a fresh ES module project that installs it", () => {
  it("the runtime alone installs offline, with no install-script warning, in under 10 MB", async () => {
    const { stderr } = await npmInstall(project, ["--offline", packed.tarball]);
    expect(stderr).not.toMatch(/install-scripts|allowScripts/);
    expect((await readdir(path.join(project, "node_modules"))).filter((f) => !f.startsWith("."))).toEqual(["vthreads"]);
    expect(await diskBytes(path.join(project, "node_modules"))).toBeLessThan(10 * 1024 * 1024);
  });

  it("vthreads build without the toolchain fails with the command that installs it", async () => {
    await writeFile(path.join(project, "src", "app.ts"), GUEST);
    const failed = await sh("npx", ["vthreads", "build", "src/app.ts", "-o", "build"], project).then(
      () => undefined,
      (e: { stderr: string; code: number }) => e,
    );
    expect(failed?.code).toBe(1);
    const peers = packed.manifest.peerDependencies!;
    expect(failed?.stderr).toContain(`npm install --save-dev --save-exact assemblyscript@${peers.assemblyscript} binaryen@${peers.binaryen}`);
  });

  it("with the toolchain added, the installed CLI builds a guest and Node runs it three ways; one binaryen", async () => {
    const peers = packed.manifest.peerDependencies!;
    await npmInstall(project, ["--save-dev", "--save-exact", `assemblyscript@${peers.assemblyscript}`, `binaryen@${peers.binaryen}`]);
    const { stdout: ls } = await sh("npm", ["ls", "--all", "--parseable", "binaryen"], project);
    expect(ls.trim().split("\n")).toEqual([path.join(project, "node_modules", "binaryen")]);

    const built = await sh("npx", ["vthreads", "build", "src/app.ts", "-o", "build"], project);
    expect(built.stdout).toContain("built build/app.wasm (2 exports)");

    // ESM host through the generated bindings.
    await writeFile(path.join(project, "main.js"), [
      `import { load } from "./build/app.js";`,
      `const app = await load({ workers: 2 });`,
      `console.log(await app.sumSquares(100), await app.hello("Node"));`,
      `await app.close();`,
    ].join("\n"));
    expect((await sh("node", ["main.js"], project)).stdout.trim()).toBe("338350n hello, Node");

    // The installed CLI's run command.
    expect((await sh("npx", ["vthreads", "run", "build/app.wasm", "sumSquares", "10", "--workers", "1"], project)).stdout.trim()).toBe("385n");

    // CommonJS: require("vthreads") gives the Runtime (Node >= 20.19 loads ES modules from require); the generated
    // bindings are ES modules, so a CommonJS host calls exports by name.
    await writeFile(path.join(project, "main.cjs"), [
      `const { Runtime } = require("vthreads");`,
      `Runtime.start("build/app.wasm", { workers: 1 }).then(async (rt) => {`,
      `  console.log(String(await rt.call("sumSquares", 3)) + "n");`,
      `  await rt.close();`,
      `});`,
    ].join("\n"));
    expect((await sh("node", ["main.cjs"], project)).stdout.trim()).toBe("14n");
    expect(JSON.parse(await readFile(path.join(project, "package.json"), "utf8")).devDependencies).toEqual({
      assemblyscript: peers.assemblyscript,
      binaryen: peers.binaryen,
    });
  });
});

/** A guest with a ThreadGroup: one thread per square, summed through their futures. */
const GUEST = `import { ThreadGroup, Future, yieldNow } from "vthreads";

function square(i: i32): i64 {
  yieldNow(); // let the others run: the threads interleave
  return <i64>i * i;
}

export function sumSquares(n: i32): i64 {
  const group = new ThreadGroup();
  const parts = new Array<Future<i64>>();
  for (let i = 1; i <= n; i++) parts.push(group.spawn<i32, i64>(square, i));
  group.join();
  let total: i64 = 0;
  for (let i = 0; i < parts.length; i++) total += parts[i].get();
  return total;
}

export function hello(name: string): string {
  return "hello, " + name;
}
`;
