// Source patches to AssemblyScript's standard library, applied to the compiler's copy of std before every build
// (asc keeps std's sources in memory, in `libraryFiles`). Each one removes a piece of static scratch memory that
// every worker of one shared memory would otherwise write into at once (std-audit.ts lists why each is needed).
// A patch whose anchor text is missing fails the build: std changed, and the audit must be redone.

import { BuildError } from "./errors.js";

interface Patch {
  file: string;
  what: string;
  edits: Array<{ find: string; replace: string }>;
}

const MARK = "// vthreads:";

export const STD_PATCHES: Patch[] = [
  {
    file: "util/number",
    what: "dtoa_buf, the static buffer of every f32/f64 to string conversion, becomes one buffer per worker",
    edits: [
      {
        find: "@lazy @inline const dtoa_buf = memory.data(MAX_DOUBLE_LENGTH << 1);",
        replace:
          `${MARK} one buffer per worker (a per-instance global, allocated on first use), not one static buffer for all\n` +
          "// @ts-ignore: decorator\n@lazy let dtoa_buf: usize = 0;",
      },
      {
        find: "  let size = dtoa_core(dtoa_buf, value, isSingle) << 1;",
        replace:
          `  ${MARK} this worker's buffer\n  if (!dtoa_buf) dtoa_buf = __alloc(MAX_DOUBLE_LENGTH << 1);\n` +
          "  let size = dtoa_core(dtoa_buf, value, isSingle) << 1;",
      },
    ],
  },
];

/** Applies every patch to asc's in-memory std (once: a patched file is recognised and left alone). */
export function patchStd(libraryFiles: Record<string, string>): void {
  for (const patch of STD_PATCHES) {
    let text = libraryFiles[patch.file];
    if (text === undefined) throw stdChanged(patch, `std has no file ${patch.file}.ts`);
    if (text.includes(MARK)) continue;
    for (const edit of patch.edits) {
      const at = text.indexOf(edit.find);
      if (at < 0 || text.indexOf(edit.find, at + 1) >= 0) throw stdChanged(patch, `"${edit.find.trim()}" is not in it exactly once`);
      text = text.slice(0, at) + edit.replace + text.slice(at + edit.find.length);
    }
    libraryFiles[patch.file] = text;
  }
}

function stdChanged(patch: Patch, detail: string): BuildError {
  return new BuildError(
    `AssemblyScript's standard library is not the one vthreads audited: cannot patch ~lib/${patch.file} (${patch.what}): ` +
      `${detail}. Use the assemblyscript version vthreads pins, or redo the audit (host/toolchain/std-audit.ts).`,
  );
}
