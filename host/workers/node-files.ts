// Files for the built-in host functions, on Node (imported only by node-worker.ts: browsers never load node:fs),
// checked against the runtime's grants (host/workers/grants.ts) where the call is made.
//
// A path is checked twice: as written (resolved against the current directory, `..` collapsed, `\` taken as a
// separator as on Windows, so `data\..\..\etc` cannot pass as one odd file name), against the granted roots as given;
// then as the file system resolves it (realpath: every symlink followed), against the roots' real paths. The second
// check stops a symlink inside a granted directory that points outside it. The file is then opened at its real path
// with O_NOFOLLOW, so a symlink put in its place after the check is not followed either.

import { constants, type PathLike } from "node:fs";
import { lstat, open, realpath } from "node:fs/promises";
import path from "node:path";
import type { FileFunctions } from "./builtins.js";
import { howToGrant, type Grants } from "./grants.js";

const NOFOLLOW = constants.O_NOFOLLOW ?? 0; // not on Windows

type Access = "read" | "write";

/** A root as written and as the file system resolves it (the nearest existing ancestor's realpath + the rest). */
interface Root {
  written: string;
  real: string;
}

function resolveWritten(p: string): string {
  if (p.includes("\0")) throw new Error(`the path ${JSON.stringify(p)} contains a NUL character`);
  return path.resolve(p.replaceAll("\\", "/"));
}

async function realOrNearest(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(await realOrNearest(parent), path.basename(p));
  }
}

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function exists(p: PathLike): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

export function nodeFiles(grants: Grants): FileFunctions {
  const roots = new Map<Access, Promise<Root[]> | true>();
  const rootsOf = (access: Access): Promise<Root[]> | true => {
    let r = roots.get(access);
    if (r === undefined) {
      const granted = grants[access];
      r = granted === true ? true : Promise.all(granted.map(async (g) => {
        const written = resolveWritten(g);
        return { written, real: await realOrNearest(written) };
      }));
      roots.set(access, r);
    }
    return r;
  };

  /** The real path to open for `access` to `p`, or an error naming the grant it would need. */
  async function checked(access: Access, call: string, p: string): Promise<string> {
    const written = resolveWritten(p);
    const granted = rootsOf(access);
    const denied = (why: string, target: string) =>
      new Error(`${call}(${JSON.stringify(p)}) denied: ${why}${access} access to ${target} is not granted (${howToGrant(access, target)})`);
    const list = granted === true ? null : await granted;
    if (list !== null && !list.some((r) => inside(written, r.written) || inside(written, r.real))) throw denied("", written);
    // A file to write may not exist yet: its directory must, and decides where it lands.
    const real = access === "write" && !(await exists(written))
      ? path.join(await realpath(path.dirname(written)), path.basename(written))
      : await realpath(written);
    if (list !== null && !list.some((r) => inside(real, r.real))) {
      throw denied(`it resolves (through a symlink) to ${real}, outside the granted ${access} roots; `, real);
    }
    return real;
  }

  return {
    async readFile(p, signal) {
      const real = await checked("read", "readFile", p);
      const file = await open(real, constants.O_RDONLY | NOFOLLOW);
      try {
        return new Uint8Array(await file.readFile({ signal }));
      } finally {
        await file.close();
      }
    },
    async writeFile(p, data, signal) {
      const real = await checked("write", "writeFile", p);
      const file = await open(real, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NOFOLLOW);
      try {
        await file.writeFile(data, { signal });
      } finally {
        await file.close();
      }
    },
  };
}
