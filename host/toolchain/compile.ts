// Runs the AssemblyScript compiler in-process and returns the binary, or a BuildError with its diagnostics.

import path from "node:path";
import asc from "assemblyscript/asc";
import { BuildError } from "./errors.js";
import { patchStd } from "./std-patches.js";
import { closureTransform } from "./closures.js";

export interface CompileInput {
  /** The generated entry file (absolute path). */
  entry: string;
  /** The package's asconfig.json: the runtime's compile options live there (shared memory, memoryBase, ...). */
  config: string;
  /** The custom runtime (wasm/memory/rt, without .ts). */
  runtime: string;
  /** Directories that hold the `vthreads` package for `import ... from "vthreads"`. */
  searchPaths: string[];
  /**
   * Bytes of AssemblyScript's shadow stack (managed locals kept in memory, where a collector sees them), or 0 for
   * none. The JSPI build needs it: the collector cannot see into engine-held stacks.
   */
  shadowStack: number;
}

export async function compileAssemblyScript(input: CompileInput): Promise<Uint8Array> {
  patchStd(asc.libraryFiles as Record<string, string>);
  let binary: Uint8Array | null = null;
  let errors = "";
  const stderr = { write: (s: string | Uint8Array) => void (errors += typeof s === "string" ? s : new TextDecoder().decode(s)) };
  const argv = [
    // Relative to the working directory, so file names in messages read like the user's own paths.
    path.relative(process.cwd(), input.entry),
    "--outFile", "module.wasm",
    // Named explicitly so that asc never picks up an asconfig.json from the current directory instead.
    "--config", input.config,
    "--runtime", input.runtime,
    ...(input.shadowStack > 0 ? ["--stackSize", String(input.shadowStack)] : []),
    // The name section: binaryen finds the suspend primitive by name, and traps show guest function names.
    "--debug",
    ...input.searchPaths.flatMap((p) => ["--path", p]),
  ];
  const result = await asc.main(argv, {
    stdout: { write: () => {} } as never,
    stderr: stderr as never,
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
    },
    transforms: [closureTransform as never], // capturing arrow functions (closures.ts)
  });
  if (result.error || !binary) {
    throw new BuildError(`the guest does not compile:\n${stripColors(errors).trim() || String(result.error)}`, stripColors(errors));
  }
  return binary;
}

function stripColors(s: string): string {
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}
