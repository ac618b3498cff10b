// Files for the built-in host functions, on Node (imported only by node-worker.ts: browsers never load node:fs).

import { readFile, writeFile } from "node:fs/promises";
import type { FileFunctions } from "./builtins.js";

export const nodeFiles: FileFunctions = {
  async readFile(path, signal) {
    return new Uint8Array(await readFile(path, { signal }));
  },
  async writeFile(path, data, signal) {
    await writeFile(path, data, { signal });
  },
};
