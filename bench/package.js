#!/usr/bin/env node
// What a user of the package gets (issue 16): the import time of the runtime entry, with and without the toolchain
// loaded beside it (the entry before the split loaded both); the install size of the packed tarball, runtime only and
// with the toolchain's peer dependencies (and how many binaryen copies); and the browser entry with its Web Worker,
// bundled and minified by Vite (bytes, and gzipped).
//
//   npm run build && node bench/package.js [--reps N]
//
// Installs come from the tarball and npm's cache (--prefer-offline). Prints a Markdown table; temporary folders are
// removed at the end.
import { execFileSync, execFile } from "node:child_process";
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(process.argv[process.argv.indexOf("--reps") + 1]) || 9;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1e3).toFixed(1)} kB`;

/** Milliseconds from the first import to the module being ready, in a fresh node process each time. */
async function importMs(cwd, specifiers) {
  const code = `const t = performance.now(); ${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(" ")} console.log(performance.now() - t);`;
  const times = [];
  for (let i = 0; i < reps; i++) {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { cwd });
    times.push(Number(stdout.trim()));
  }
  return median(times);
}

/** Bytes on disk (du), blocks included. */
function diskBytes(dir) {
  return Number(execFileSync("du", ["-sk", dir]).toString().split(/\s/)[0]) * 1024;
}

async function filesUnder(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

const npm = (args, cwd) => run("npm", [...args, "--no-audit", "--no-fund"], { cwd, maxBuffer: 64 << 20 });

const tmp = await mkdtemp(path.join(tmpdir(), "vthreads-package-bench-"));
try {
  const rows = [];
  // 1. import time, in this repository (the package resolves itself by name).
  const runtimeMs = await importMs(REPO, ["vthreads"]);
  const withToolchainMs = await importMs(REPO, ["vthreads", pathToFileURL(path.join(REPO, "dist/host/toolchain/build.js")).href]);
  rows.push(["`import(\"vthreads\")`, runtime only (median of " + reps + " fresh processes)", `${runtimeMs.toFixed(0)} ms`]);
  rows.push(["the same plus the compiler and binaryen (what the entry loaded before the split)", `${withToolchainMs.toFixed(0)} ms`]);
  rows.push(["ratio", `${(runtimeMs / withToolchainMs).toFixed(3)}x`]);

  // 2. the tarball, installed runtime-only, then with the toolchain.
  const { stdout: packed } = await npm(["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], REPO);
  const [info] = JSON.parse(packed);
  const tarball = path.join(tmp, info.filename);
  rows.push(["tarball (packed / unpacked, files)", `${kb(info.size)} / ${kb(info.unpackedSize)}, ${info.entryCount}`]);
  const project = path.join(tmp, "app");
  await mkdir(project);
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  await npm(["install", "--offline", tarball], project);
  rows.push(["runtime-only install (`npm install vthreads`), node_modules on disk", mb(diskBytes(path.join(project, "node_modules")))]);
  const runtimeInstalledMs = await importMs(project, ["vthreads"]);
  rows.push(["`import(\"vthreads\")` in that project", `${runtimeInstalledMs.toFixed(0)} ms`]);

  // 3. the browser entry with its worker, bundled and minified by Vite, from the runtime-only project.
  const web = path.join(project, "web");
  await mkdir(web);
  await writeFile(path.join(web, "index.html"), `<!doctype html><script type="module" src="./main.js"></script>`);
  await writeFile(path.join(web, "main.js"), `import { Runtime } from "vthreads";\nwindow.start = (wasm) => Runtime.start(wasm);\n`);
  const { build: viteBuild } = await import(pathToFileURL(path.join(REPO, "node_modules/vite/dist/node/index.js")).href);
  await viteBuild({ root: web, configFile: false, logLevel: "silent", build: { outDir: path.join(web, "dist"), minify: true } });
  const js = (await filesUnder(path.join(web, "dist"))).filter((f) => f.endsWith(".js"));
  let raw = 0;
  let gz = 0;
  const parts = [];
  for (const f of js) {
    const bytes = await readFile(f);
    raw += bytes.length;
    gz += gzipSync(bytes).length;
    parts.push(`${path.basename(f).replace(/-[\w-]{8}\.js$/, ".js")} ${kb(bytes.length)}`);
  }
  rows.push([`browser entry + its Web Worker, Vite-bundled and minified (${parts.join(", ")})`, `${kb(raw)} (gzip ${kb(gz)})`]);

  // 4. the toolchain added: one binaryen?
  const peers = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")).peerDependencies;
  await npm(["install", "--prefer-offline", "--save-dev", "--save-exact", ...Object.entries(peers).map(([n, v]) => `${n}@${v}`)], project);
  const binaryens = (await npm(["ls", "--all", "--parseable", "binaryen"], project)).stdout.trim().split("\n").filter(Boolean);
  rows.push(["with the toolchain (`npm install -D --save-exact assemblyscript binaryen`), node_modules on disk", mb(diskBytes(path.join(project, "node_modules")))]);
  rows.push(["binaryen copies in that project", String(binaryens.length)]);
  for (const name of ["assemblyscript", "binaryen"]) rows.push([`  of which ${name}`, mb(diskBytes(path.join(project, "node_modules", name)))]);

  console.log(`vthreads package measurements (${process.version}, ${new Date().toISOString()})\n`);
  console.log("| what | value |\n| --- | --- |");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
