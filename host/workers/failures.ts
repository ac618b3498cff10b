// What a trap or an abort in the module becomes: the message of the thread it fails, or, when no thread was running
// (the runtime's own code trapped), the worker's fatal error.

import { writeString } from "../bindings/strings.js";
import type { RuntimeExports } from "./module-exports.js";

/** A guest `abort` (AssemblyScript's `throw`, failed assertions): fails the running thread with this message. */
export class GuestAbort extends Error {}

/**
 * A trap or abort escaped the module while a thread may have been running: fails that thread with the error's
 * message and returns null, or returns the message the worker must die with (no thread was running, or failing
 * it failed).
 */
export function failRunningThread(exports: RuntimeExports, memory: WebAssembly.Memory, error: unknown): string | null {
  const reason = describe(error);
  const message = writeString(memory, (n) => exports.__vt_string(n), reason);
  let failed = 0;
  try {
    failed = exports.__vt_fail_current(message);
  } catch (e) {
    return `the runtime failed while failing a thread (${reason}): ${describe(e)}`;
  }
  if (failed !== 0) return null;
  // No thread was running: the runtime's own code trapped. Keep the stack: it names the Wasm function.
  return `the runtime itself failed: ${reason}${error instanceof Error && error.stack ? `\n${error.stack}` : ""}`;
}

/** An error as a failed thread's message: an abort's own text, a trap with the Wasm functions it happened in. */
export function describe(error: unknown): string {
  if (error instanceof GuestAbort) return error.message;
  // V8: RangeError "Maximum call stack size exceeded"; SpiderMonkey: InternalError "too much recursion".
  if (error instanceof Error && /call stack|too much recursion/i.test(error.message) && !(error instanceof WebAssembly.RuntimeError)) {
    return `stack overflow: ${error.message}`;
  }
  if (error instanceof WebAssembly.RuntimeError) return `trap: ${error.message}${wasmFrames(error)}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** " (in f < g < h)": the innermost Wasm functions of a trap's stack, by name (the toolchain keeps the names). */
function wasmFrames(error: Error): string {
  const names = (error.stack ?? "")
    .split("\n")
    // V8: "at f (wasm://wasm/<hash>:wasm-function[12]:0x..)"; a module compiled from a fetch (compileStreaming in
    // browsers) names its URL instead: "at f (http://host/app.wasm:wasm-function[12]:0x..)".
    // SpiderMonkey (Firefox): "f@http://host/app.wasm:wasm-function[12]:0x..".
    .map((line) => {
      const m = /^\s*at (.+?) \((?:wasm:\/\/|[^()]*:wasm-function\[)/.exec(line) ?? /^([^@\s]+)@[^@]*:wasm-function\[/.exec(line);
      return m?.[1];
    })
    .filter((name): name is string => !!name)
    .slice(0, 3)
    .map((name) => name.replace(/^~lib\/vthreads\//, "vthreads/"));
  return names.length ? ` (in ${names.join(" < ")})` : "";
}
