#!/usr/bin/env node
// The `vthreads` command line: `vthreads build <entry.ts> [-o outdir]`.

import { parseArgs } from "node:util";
import path from "node:path";
import { build } from "./toolchain/build.js";
import { BuildError } from "./toolchain/errors.js";

const USAGE = `usage: vthreads build <entry.ts> [-o <outdir>] [--name <name>] [-O <0-4>]

Compiles an AssemblyScript guest together with the vthreads runtime into one WebAssembly module
(<outdir>/<name>.wasm) and writes typed ESM bindings for its exports (<name>.js, <name>.d.ts).

options:
  -o, --out-dir <dir>   output folder (default: build)
  --name <name>         base name of the outputs (default: the entry's file name)
  -O, --optimize <n>    binaryen optimise level 0-4 (default: 3)
  -h, --help            show this help`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "out-dir": { type: "string", short: "o" },
        name: { type: "string" },
        optimize: { type: "string", short: "O" },
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
  const [command, entry, ...extra] = positionals;
  if (command !== "build" || !entry || extra.length > 0) {
    console.error(command && command !== "build" ? `vthreads: unknown command "${command}"\n\n${USAGE}` : USAGE);
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

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
