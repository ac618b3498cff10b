// I/O every guest gets: HTTP fetch, console output, the wall clock, random numbers and (on Node) files. Each is a
// host call to a function the runtime itself provides (host/workers/builtins.ts), so each blocks only the calling
// virtual thread and is cancellable: cancelling the thread aborts the request or the file operation.

import { callHost, HostArgs } from "./call";

/** How to make a request: method, headers, body. */
export class FetchOptions {
  method: string = "GET";
  /** Header lines, "Name: value". */
  headers: string[] = [];
  body: Uint8Array | null = null;

  header(name: string, value: string): FetchOptions {
    this.headers.push(name + ": " + value);
    return this;
  }
  /** A UTF-8 text body. */
  text(body: string): FetchOptions {
    this.body = Uint8Array.wrap(String.UTF8.encode(body));
    return this;
  }
}

/** A complete HTTP response (the body has been read). */
export class Response {
  constructor(
    readonly status: i32,
    readonly statusText: string,
    /** Header lines, "name: value", lower-case names. */
    readonly headers: string[],
    private readonly body: Uint8Array,
  ) {}

  /** 200..299. */
  get ok(): bool {
    return this.status >= 200 && this.status < 300;
  }
  /** The body decoded as UTF-8. */
  text(): string {
    return String.UTF8.decodeUnsafe(this.body.dataStart, this.body.byteLength);
  }
  bytes(): Uint8Array {
    return this.body;
  }
  /** The value of header `name` (case-insensitive), or null. */
  header(name: string): string | null {
    const want = name.toLowerCase() + ": ";
    for (let i = 0; i < this.headers.length; i++) {
      if (this.headers[i].startsWith(want)) return this.headers[i].substring(want.length);
    }
    return null;
  }
}

// @ts-ignore: decorator
@lazy const NO_BODY = new Uint8Array(0);

/**
 * Makes an HTTP request with the host's `fetch` and reads the whole body. Blocks this thread only. A network error
 * fails the thread with its message; an HTTP error status does not (check `status` or `ok`).
 */
export function fetch(url: string, options: FetchOptions | null = null): Response {
  const o = options != null ? options : new FetchOptions();
  const body = o.body;
  const r = callHost("vt.fetch", HostArgs.of()
    .str(url).str(o.method).str(o.headers.join("\n")).bool(body != null).bytes(body != null ? body : NO_BODY));
  const headers = r.at(2).str();
  return new Response(r.at(0).i32(), r.at(1).str(), headers.length > 0 ? headers.split("\n") : [], r.at(3).bytes());
}

/** Writes a line to the host's console (console.log). */
export function print(text: string): void {
  callHost("vt.print", HostArgs.of().str(text));
}

/** Writes a line to the host's error output (console.error). */
export function printError(text: string): void {
  callHost("vt.printError", HostArgs.of().str(text));
}

/** The wall-clock time: milliseconds since 1970-01-01 UTC (Date.now()). */
export function currentTime(): f64 {
  return callHost("vt.time").f64();
}

/** A random number in [0, 1) (Math.random()). */
export function random(): f64 {
  return callHost("vt.random").f64();
}

/** `n` cryptographically random bytes (crypto.getRandomValues). */
export function randomBytes(n: i32): Uint8Array {
  return callHost("vt.randomBytes", HostArgs.of().i32(n)).bytes();
}

/** Reads a whole file (Node only: in a browser the thread fails saying so). */
export function readFile(path: string): Uint8Array {
  return callHost("vt.readFile", HostArgs.of().str(path)).bytes();
}

/** Reads a whole UTF-8 text file (Node only). */
export function readTextFile(path: string): string {
  return callHost("vt.readTextFile", HostArgs.of().str(path)).str();
}

/** Creates or replaces a file (Node only). */
export function writeFile(path: string, data: Uint8Array): void {
  callHost("vt.writeFile", HostArgs.of().str(path).bytes(data));
}

/** Creates or replaces a UTF-8 text file (Node only). */
export function writeTextFile(path: string, text: string): void {
  callHost("vt.writeTextFile", HostArgs.of().str(path).str(text));
}
