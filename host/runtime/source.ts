// Where a runtime's module comes from: a file path, a URL, bytes, or an already compiled WebAssembly.Module.

import { ModuleError } from "./manifest.js";

export type ModuleSource = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export async function compileSource(source: ModuleSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const bytes = await readBytes(source as ByteSource);
  if (bytes.byteLength < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ModuleError(`not a WebAssembly module: ${describe(source)} does not start with the bytes \\0asm`);
  }
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new ModuleError(`${describe(source)} is not valid WebAssembly: ${(e as Error).message}`);
  }
}

type ByteSource = string | URL | ArrayBuffer | ArrayBufferView;

async function readBytes(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source === null || source === undefined) throw new TypeError("Runtime.start: a module source is required");
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof source !== "string" && !(source instanceof URL)) {
    throw new TypeError(`Runtime.start: expected a path, URL, bytes or WebAssembly.Module, got ${typeof source}`);
  }
  const url = typeof source === "string" ? null : source;
  if (url && url.protocol !== "file:") {
    const response = await fetch(url);
    if (!response.ok) throw new ModuleError(`cannot load ${url.href}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const { readFile } = await import("node:fs/promises");
  try {
    return new Uint8Array(await readFile(source));
  } catch (e) {
    throw new ModuleError(`cannot read the module ${String(source)}: ${(e as Error).message}`);
  }
}

function describe(source: ModuleSource): string {
  if (typeof source === "string") return `"${source}"`;
  if (source instanceof URL) return source.href;
  return "the given bytes";
}
