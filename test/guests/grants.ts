// The built-in host functions that need grants (test/runtime/grants.test.ts): files and the network.
import { readTextFile, writeTextFile, fetch } from "vthreads";

export function read(path: string): string {
  return readTextFile(path);
}

export function write(path: string, text: string): i32 {
  writeTextFile(path, text);
  return text.length;
}

export function get(url: string): string {
  const r = fetch(url);
  return r.status.toString() + " " + r.text();
}
