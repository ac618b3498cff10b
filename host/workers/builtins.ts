// The host functions every guest gets (guest side: wasm/io/builtins.ts): HTTP fetch, console output, the wall
// clock, random numbers, and files where the platform has them. They run in the worker like user host functions.

import type { HostFunction } from "./host-calls.js";

/** File access, supplied by the Node worker (node-worker.ts); browsers have none. */
export interface FileFunctions {
  readFile(path: string, signal: AbortSignal): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string, signal: AbortSignal): Promise<void>;
}

export function builtinHostFunctions(files: FileFunctions | null): Map<string, HostFunction> {
  const noFiles = (): never => {
    throw new Error("files are not available here: vthreads provides readFile/writeFile on Node only");
  };
  const fns: Record<string, HostFunction> = {
    "vt.fetch": async (url: string, method: string, headerLines: string, hasBody: boolean, body: Uint8Array, signal: AbortSignal) => {
      const headers: [string, string][] = [];
      for (const line of headerLines.split("\n")) {
        const colon = line.indexOf(":");
        if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
      }
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body: hasBody ? (body as Uint8Array<ArrayBuffer>) : undefined, signal });
      } catch (e) {
        // undici says only "fetch failed"; the cause says why (ECONNREFUSED, ...).
        const cause = (e as { cause?: { message?: string; code?: string } }).cause;
        const why = cause ? `: ${cause.code ?? cause.message}` : "";
        throw new Error(`fetch ${method} ${url} failed: ${(e as Error).message}${why}`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      const lines: string[] = [];
      response.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
      return [response.status, response.statusText, lines.join("\n"), bytes];
    },
    "vt.print": (text: string) => console.log(text),
    "vt.printError": (text: string) => console.error(text),
    "vt.time": () => Date.now(),
    "vt.random": () => Math.random(),
    "vt.randomBytes": (n: number) => {
      if (!(n >= 0 && n <= 65536)) throw new RangeError(`randomBytes: n must be in 0..65536, got ${n}`);
      return crypto.getRandomValues(new Uint8Array(n));
    },
    "vt.readFile": files ? (path: string, signal: AbortSignal) => files.readFile(path, signal) : noFiles,
    "vt.readTextFile": files
      ? async (path: string, signal: AbortSignal) => new TextDecoder().decode(await files.readFile(path, signal))
      : noFiles,
    "vt.writeFile": files ? (path: string, data: Uint8Array, signal: AbortSignal) => files.writeFile(path, data, signal) : noFiles,
    "vt.writeTextFile": files ? (path: string, text: string, signal: AbortSignal) => files.writeFile(path, text, signal) : noFiles,
  };
  return new Map(Object.entries(fns) as [string, HostFunction][]);
}
