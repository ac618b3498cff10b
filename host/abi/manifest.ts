// The manifest a built module carries in its `vthreads` custom section (docs/abi.md), and its checks.

import type { ExportSignature } from "./types.js";

export const MANIFEST_SECTION = "vthreads";
export const MANIFEST_ABI = 1;

export interface Manifest {
  abi: number;
  /** The stack switching the module was built for (absent in modules built before JSPI: Asyncify). */
  backend?: "asyncify" | "jspi";
  memory: { initial: number; maximum: number };
  exports: ExportSignature[];
}

export class ModuleError extends Error {
  override name = "ModuleError";
}

export function readManifest(module: WebAssembly.Module): Manifest {
  const sections = WebAssembly.Module.customSections(module, MANIFEST_SECTION);
  if (sections.length === 0) {
    throw new ModuleError(
      "this WebAssembly module was not built by the vthreads toolchain (it has no 'vthreads' section); " +
        "build it with `vthreads build <entry.ts>`",
    );
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(sections[0])) as Manifest;
  } catch (e) {
    throw new ModuleError(`the module's 'vthreads' section is not valid JSON: ${(e as Error).message}`);
  }
  if (manifest.abi !== MANIFEST_ABI) {
    throw new ModuleError(
      `the module was built for vthreads ABI ${manifest.abi}, this runtime speaks ABI ${MANIFEST_ABI}: rebuild it`,
    );
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  for (const required of ["__vt_boot", "__vt_run", "__vt_runnable", "__vt_fail_current", "__vt_alloc", "__vt_dump", "__vt_deadlock_suspected", "__vt_break_deadlock", "__vt_cancel_root", "_start", "__vt_start_program", "__vt_program_failed"]) {
    if (!exported.has(required)) throw new ModuleError(`the module lacks the runtime export "${required}": rebuild it`);
  }
  for (const sig of manifest.exports) {
    if (!exported.has(`__vt_call_${sig.name}`)) {
      throw new ModuleError(`the module's manifest lists "${sig.name}" but it has no __vt_call_${sig.name}: rebuild it`);
    }
  }
  return manifest;
}
