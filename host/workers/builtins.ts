// The host functions every guest gets (guest side: wasm/io/builtins.ts): HTTP fetch, console output, the wall
// clock, random numbers, and files where the platform has them. They run in the worker like user host functions.

import type { HostFunction } from "./host-calls.js";
import { checkNet, type Grants } from "./grants.js";

/** Redirects fetch follows, each checked against the network grants like the first request. */
const MAX_REDIRECTS = 20;

/** File access, supplied by the Node worker (node-worker.ts); browsers have none. */
export interface FileFunctions {
  readFile(path: string, signal: AbortSignal): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string, signal: AbortSignal): Promise<void>;
}

/**
 * The built-in host functions. `files`: checked against `grants` itself (node-files.ts); fetch is checked here, and
 * so is every redirect it follows (a granted origin must not be able to send the guest anywhere else).
 */
export function builtinHostFunctions(files: FileFunctions | null, grants: Grants): Map<string, HostFunction> {
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
      let target = url;
      let verb = method;
      let payload = hasBody ? (body as Uint8Array<ArrayBuffer>) : undefined;
      for (let redirects = 0; ; redirects++) {
        checkNet(grants, target, verb);
        try {
          response = await fetch(target, { method: verb, headers, body: payload, signal, redirect: grants.net === true ? "follow" : "manual" });
        } catch (e) {
          // undici says only "fetch failed"; the cause says why (ECONNREFUSED, ...).
          const cause = (e as { cause?: { message?: string; code?: string } }).cause;
          const why = cause ? `: ${cause.code ?? cause.message}` : "";
          throw new Error(`fetch ${verb} ${target} failed: ${(e as Error).message}${why}`);
        }
        if (response.type === "opaqueredirect") { // a browser hides where a manual redirect goes: it cannot be checked
          throw new Error(`fetch ${verb} ${target} was redirected, and a browser does not say where: a redirect cannot be checked against the network grants (allow.net: true follows redirects)`);
        }
        const location = response.headers.get("location");
        if (grants.net === true || ![301, 302, 303, 307, 308].includes(response.status) || location === null) break;
        if (redirects === MAX_REDIRECTS) throw new Error(`fetch ${method} ${url} failed: more than ${MAX_REDIRECTS} redirects`);
        await response.body?.cancel();
        target = new URL(location, target).href;
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && verb === "POST")) {
          verb = "GET"; // as fetch's own redirect handling does
          payload = undefined;
        }
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
