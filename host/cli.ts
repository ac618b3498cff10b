#!/usr/bin/env node
// The `vthreads` command line: `vthreads build <entry.ts>`, `vthreads run <module.wasm> <export> [args...]` and
// `vthreads init [dir]`.

import { parseArgs } from "node:util";
import path from "node:path";
import { build, BuildError } from "./toolchain.js"; // light: the compiler and binaryen load with the first build()
import { Runtime } from "./index.js"; // the package entry: it installs the Node platform
import { DeadlockError } from "./runtime/errors.js";
import { renderDump, type Dump } from "./runtime/dump.js";
import type { AllowOptions } from "./workers/grants.js";

const USAGE = `usage: vthreads build <entry.ts> [-o <outdir>] [--name <name>] [-O <0-4>]
       vthreads run <module.wasm> <export> [args...] [--workers <n>] [--dump-after <ms>] [--host-module <file>]
                    [--allow-read[=<paths>]] [--allow-write[=<paths>]] [--allow-net[=<origins>]]
       vthreads init [dir]

build: compiles an AssemblyScript guest together with the vthreads runtime into one WebAssembly module
(<outdir>/<name>.wasm) and writes typed ESM bindings for its exports (<name>.js, <name>.d.ts).
run: calls one export of a built module and prints its result (arguments are parsed as JSON, else taken as
strings); a deadlock prints the thread dump.
init: writes a new project into dir (default: the current folder, which must be empty): a guest, a Node host, a
Vite page with the isolation headers and a vitest test; then \`npm install && npm test\`.

options:
  -o, --out-dir <dir>   build: output folder (default: build)
  --name <name>         build: base name of the outputs (default: the entry's file name)
  -O, --optimize <n>    build: binaryen optimise level 0-4 (default: 3)
  --workers <n>         run: number of workers (default: the machine's cores)
  --dump-after <ms>     run: print the thread dump after that many milliseconds if the call is still running
  --host-module <file>  run: an ES module whose exported functions the guest calls with callHost
  --allow-read[=<paths>]
                        run: files and directories the guest may read (comma-separated; alone: all)
  --allow-write[=<paths>]
                        run: files and directories the guest may write (nothing is granted by default)
  --allow-net[=<origins>]
                        run: origins the guest may fetch, as scheme://host[:port] (comma-separated; alone: all)
  -h, --help            show this help`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.map(bareGrant),
      allowPositionals: true,
      options: {
        "out-dir": { type: "string", short: "o" },
        name: { type: "string" },
        optimize: { type: "string", short: "O" },
        workers: { type: "string" },
        "dump-after": { type: "string" },
        "host-module": { type: "string" },
        "allow-read": { type: "string", multiple: true },
        "allow-write": { type: "string", multiple: true },
        "allow-net": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`vthreads: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === "build") return buildCommand(rest, values);
  if (command === "run") return runCommand(rest, values);
  if (command === "init") return initCommand(rest);
  console.error(command ? `vthreads: unknown command "${command}"\n\n${USAGE}` : USAGE);
  return 2;
}

async function buildCommand(args: string[], values: { "out-dir"?: string; name?: string; optimize?: string }): Promise<number> {
  const [entry, ...extra] = args;
  if (!entry || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const optimizeLevel = values.optimize === undefined ? undefined : Number(values.optimize);
  if (optimizeLevel !== undefined && !(Number.isInteger(optimizeLevel) && optimizeLevel >= 0 && optimizeLevel <= 4)) {
    console.error(`vthreads: -O takes a level from 0 to 4, got "${values.optimize}"`);
    return 2;
  }
  try {
    const out = await build({ entry, outDir: values["out-dir"], name: values.name, optimizeLevel });
    const rel = (p: string) => path.relative(process.cwd(), p);
    console.log(`built ${rel(out.wasmPath)} (${out.manifest.exports.length} exports), ${rel(out.bindingsPath)}, ${rel(out.typesPath)}`);
    return 0;
  } catch (e) {
    console.error(e instanceof BuildError ? `vthreads: ${e.message}` : e);
    return 1;
  }
}

async function initCommand(args: string[]): Promise<number> {
  if (args.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const dir = args[0] ?? ".";
  const { init } = await import("./init.js");
  try {
    const files = await init(dir);
    console.log(`wrote ${files.length} files into ${dir}: ${files.join(", ")}`);
    const cd = path.resolve(dir) === process.cwd() ? "" : `cd ${dir} && `;
    console.log(`next: ${cd}npm install && npm test   (npm start: the Node host, npm run dev: the page)`);
    return 0;
  } catch (e) {
    console.error(`vthreads: init: ${(e as Error).message}`);
    return 1;
  }
}

/** Deno's form: `--allow-read` alone grants everything; parseArgs wants a value, so it gets an empty one. */
function bareGrant(arg: string): string {
  return /^--allow-(read|write|net)$/.test(arg) ? `${arg}=` : arg;
}

type GrantFlags = { "allow-read"?: string[]; "allow-write"?: string[]; "allow-net"?: string[] };

/** RuntimeOptions.allow from the --allow-* flags: an empty value is everything, else comma-separated lists. */
function grantsOf(values: GrantFlags): AllowOptions {
  const allow: AllowOptions = {};
  for (const kind of ["read", "write", "net"] as const) {
    const given = values[`allow-${kind}`];
    if (given === undefined) continue;
    allow[kind] = given.includes("") ? true : given.flatMap((v) => v.split(",")).filter((v) => v !== "");
  }
  return allow;
}

async function runCommand(
  args: string[],
  values: { workers?: string; "dump-after"?: string; "host-module"?: string } & GrantFlags,
): Promise<number> {
  const [wasm, name, ...rawArgs] = args;
  if (!wasm || !name) {
    console.error(USAGE);
    return 2;
  }
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const dumpAfter = values["dump-after"] === undefined ? undefined : Number(values["dump-after"]);
  if (dumpAfter !== undefined && !(dumpAfter >= 0)) {
    console.error(`vthreads: --dump-after takes a number of milliseconds, got "${values["dump-after"]}"`);
    return 2;
  }
  const callArgs = rawArgs.map((a) => {
    try {
      return JSON.parse(a) as unknown;
    } catch {
      return a;
    }
  });
  let rt: Runtime;
  try {
    rt = await Runtime.start(wasm, { workers, hostModule: values["host-module"], allow: grantsOf(values) });
  } catch (e) {
    console.error(`vthreads: ${(e as Error).message}`);
    return 1;
  }
  const timer = dumpAfter === undefined ? undefined : setTimeout(() => {
    rt.dump().then((d) => console.log(`thread dump after ${dumpAfter} ms:\n${renderDump(d)}`), () => {});
  }, dumpAfter);
  try {
    const result = await rt.call(name, ...callArgs);
    console.log(typeof result === "bigint" ? `${result}n` : JSON.stringify(result));
    return 0;
  } catch (e) {
    console.error(`vthreads: ${(e as Error).message}`);
    if (e instanceof DeadlockError && e.dump) console.error(renderDump(e.dump as Dump));
    return 1;
  } finally {
    clearTimeout(timer);
    await rt.close({ cancelBackgroundAfterMs: 0 });
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
