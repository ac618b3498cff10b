// AssemblyScript strings in shared memory: UTF-16 code units, their byte length in the object's header (rtSize).

import { OBJECT_RT_SIZE_BACK } from "../abi/layout.js";

/** Reads the String at `ptr`. Copies out of the shared buffer first (TextDecoder rejects shared views). */
export function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return "";
  const bytes = new Uint32Array(memory.buffer, ptr - OBJECT_RT_SIZE_BACK, 1)[0];
  const units = new Uint16Array(bytes >>> 1);
  units.set(new Uint16Array(memory.buffer, ptr, bytes >>> 1));
  let out = "";
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.subarray(i, i + 8192));
  return out;
}

/** Writes `text` as a new String; `allocString(units)` returns its address (0 when out of memory). */
export function writeString(memory: WebAssembly.Memory, allocString: (units: number) => number, text: string): number {
  const ptr = allocString(text.length);
  if (ptr === 0) return 0;
  const view = new Uint16Array(memory.buffer, ptr, text.length);
  for (let i = 0; i < text.length; i++) view[i] = text.charCodeAt(i);
  return ptr;
}
