// Synchronous host functions that call back into the guest (guest side: wasm/io/sync.ts; pinning: wasm
// driver/pin.ts).
//
// A hostModule exports them under `sync`, apart from the async host functions (which `callHost` and
// `@external("host", ...)` reach as blocking calls):
//
//   export const sync = {
//     forEach(guest, n, callback) { let s = 0; for (let i = 0; i < n; i++) s += guest.call(callback, i); return s; },
//   };
//
// The guest declares `@external("host_sync", "forEach") declare function forEach(n: i32, cb: i32): i32;` and the
// import is this function itself, called synchronously on the calling thread's stack with numbers only (i32 and
// f32/f64 as numbers, i64 as bigint). `guest.call(index, arg)` runs the guest function of type (i32) => i32 at that
// table index (`callbackIndex(fn)` in the guest) and returns its result. While it runs, the thread has this JS frame
// on its stack: if it blocks, it is pinned to the worker (see the README, "Pinned threads").
//
// A callback that fails (a trap, an abort, a failure or cancellation of the thread) throws out of `guest.call`; the
// exception must reach the guest: if the host function catches it and returns anyway, the import throws it again,
// and `guest.call` refuses to run more callbacks for that call.

/** What a synchronous host function gets as its first argument. */
export interface Guest {
  /** Calls the guest function at table index `fn` (type (i32) => i32) with `arg`; returns its result. */
  call(fn: number, arg: number): number;
}

export type SyncHostFunction = (guest: Guest, ...args: never[]) => unknown;

interface SyncExports {
  __vt_reenter(fn: number, arg: number): number;
  __vt_host_frames(): number;
  __vt_set_host_frames(n: number): void;
}

/** The `sync` object of a hostModule: its functions by name (an error names what is wrong). */
export function syncFunctionsOf(mod: Record<string, unknown>, url: string): Map<string, SyncHostFunction> {
  const out = new Map<string, SyncHostFunction>();
  const sync = mod.sync;
  if (sync === undefined) return out;
  if (sync === null || typeof sync !== "object") {
    throw new Error(`the hostModule ${url} exports "sync", which must be an object of synchronous host functions`);
  }
  for (const [name, fn] of Object.entries(sync as Record<string, unknown>)) {
    if (typeof fn === "function") out.set(name, fn as SyncHostFunction);
  }
  return out;
}

/**
 * The `host_sync` imports of `module`, each calling the hostModule's `sync.<name>`. Throws, naming the import,
 * when one is missing.
 */
export function syncImports(
  module: WebAssembly.Module,
  functions: Map<string, SyncHostFunction>,
  exports: () => SyncExports,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== "host_sync") continue;
    const fn = functions.get(imp.name);
    if (!fn) {
      const known = [...functions.keys()];
      throw new Error(`the module imports host_sync.${imp.name}, but the hostModule exports no synchronous function ` +
        `sync.${imp.name} (${known.length ? `it has sync.${known.join(", sync.")}` : "it exports no `sync` object, or no hostModule was given"})`);
    }
    out[imp.name] = syncWrapper(imp.name, fn, exports);
  }
  return out;
}

function syncWrapper(name: string, fn: SyncHostFunction, exports: () => SyncExports): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    let active = true;
    let failure: unknown = null;
    const guest: Guest = {
      call(index: number, arg: number): number {
        if (!active) throw new Error(`guest.call: the synchronous host function "${name}" has returned; call back only while it runs`);
        if (failure !== null) throw failure; // a callback failed: the thread is ending, nothing more runs in it
        if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
          throw (failure = new TypeError(`guest.call in host function "${name}": the callback ${String(index)} is not a function index (use callbackIndex(fn) in the guest)`));
        }
        const ex = exports();
        const frames = ex.__vt_host_frames();
        try {
          return ex.__vt_reenter(index, arg | 0);
        } catch (e) {
          ex.__vt_set_host_frames(frames); // the callback's frames are gone
          throw (failure = callbackError(e, name, index));
        }
      },
    };
    try {
      const result = (fn as (...a: unknown[]) => unknown)(guest, ...args);
      if (failure !== null) throw failure; // the host function caught a callback's failure: it must reach the guest
      if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
        throw new TypeError(`the synchronous host function "${name}" returned a promise: make it an async host function ` +
          "(export it directly, not under `sync`) or return a number");
      }
      return result;
    } finally {
      active = false;
    }
  };
}

/** A trap in the call_indirect itself means the index is not a function of type (i32) => i32: say so. */
function callbackError(e: unknown, name: string, index: number): unknown {
  if (e instanceof WebAssembly.RuntimeError && /table|signature|null function/i.test(e.message)) {
    const top = (e.stack ?? "").split("\n").find((l) => /^\s*at /.test(l)) ?? "";
    if (/reenter/.test(top)) {
      return new TypeError(`guest.call in host function "${name}": ${index} is not the index of a guest function of ` +
        `type (i32) => i32 (${e.message}; use callbackIndex(fn) in the guest)`);
    }
  }
  return e;
}
