// Where a runtime's module comes from: a path or URL (read by the platform), a fetch Response, bytes, or an already
// compiled WebAssembly.Module. Shared by Node and browsers; nothing here imports a node: module.

import { ModuleError } from "../abi/manifest.js";
import type { Platform } from "./platform.js";

export type ModuleSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export async function compileSource(source: ModuleSource, platform: Platform): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source === null || source === undefined) throw new TypeError("Runtime.start: a module source is required");
  if (typeof source === "string" || source instanceof URL) return platform.compileLocation(source);
  if (isResponse(source)) return compileResponse(source, source.url || "the given Response");
  if (source instanceof ArrayBuffer) return compileBytes(new Uint8Array(source), "the given buffer");
  if (ArrayBuffer.isView(source)) {
    return compileBytes(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), "the given buffer");
  }
  throw new TypeError(`Runtime.start: expected a path, URL, bytes or WebAssembly.Module, got ${typeof source} (a fetch Response works too)`);
}

/** Checks the magic number first, so that an HTML error page or a text file gets a message that says so. */
export async function compileBytes(bytes: Uint8Array, what: string): Promise<WebAssembly.Module> {
  if (bytes.byteLength < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ModuleError(`not a WebAssembly module: ${what} does not start with the bytes \\0asm`);
  }
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new ModuleError(`${what} is not valid WebAssembly: ${(e as Error).message}`);
  }
}

/**
 * A fetched module: compiled while it downloads when the server says application/wasm (compileStreaming insists on
 * that type), otherwise read whole and checked, so a wrong type or an error page still gets a clear message.
 */
export async function compileResponse(response: Response, what: string): Promise<WebAssembly.Module> {
  if (!response.ok) throw new ModuleError(`cannot load ${what}: HTTP ${response.status} ${response.statusText}`.trim());
  const type = response.headers.get("content-type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && /^application\/wasm\b/i.test(type)) {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      throw new ModuleError(`${what} is not valid WebAssembly: ${(e as Error).message}`);
    }
  }
  return compileBytes(new Uint8Array(await response.arrayBuffer()), what);
}

function isResponse(source: unknown): source is Response {
  return typeof Response === "function" && source instanceof Response;
}
