// A worker's start: import the hostModule, instantiate the module over the shared memory with the host's imports,
// boot the runtime in it, and run the top-level code (the guest's once per runtime, the runtime's on every worker).

import type { InitMessage } from "./protocol.js";
import type { Manifest } from "../abi/manifest.js";
import { LAYOUT_ABI } from "../abi/layout.js";
import { SharedState } from "../abi/shared-state.js";
import { readString } from "../bindings/strings.js";
import type { MarshalContext } from "../bindings/marshal.js";
import { HostCalls, type HostFunction } from "./host-calls.js";
import { builtinHostFunctions, type FileFunctions } from "./builtins.js";
import type { Grants } from "./grants.js";
import { JspiLoop, engineHasJspi } from "./jspi-loop.js";
import { syncFunctionsOf, syncImports, type SyncHostFunction } from "./sync-host.js";
import { nestMutatorBrackets, type RuntimeExports } from "./module-exports.js";
import { GuestAbort, describe } from "./failures.js";

/** A booted instance and what the worker keeps beside it. */
export interface WorkerInstance {
  index: number;
  memory: WebAssembly.Memory;
  shared: SharedState;
  manifest: Manifest;
  sliceMs: number;
  /** The instance's own exports (`exports` nests the mutator brackets, see nestMutatorBrackets). */
  raw: RuntimeExports;
  exports: RuntimeExports;
  /** The JSPI backend's loop; null on Asyncify, where the loop is `__vt_run`, in Wasm. */
  jspi: JspiLoop | null;
  marshal: MarshalContext;
  hostCalls: HostCalls;
}

/** What the module's imports call back into the worker for. */
export interface BootHooks {
  /** The `vthreads.root_done` import: a root thread ended on this worker. */
  rootDone(frame: number, message: number, thread: number): void;
  /** A trap or abort escaped a nested scheduler loop (a pinned wait): fail the thread that ran. */
  failRunning(error: unknown): void;
  /** The `vthreads.pinned_poll` import: serve what can be served during a pinned wait. */
  pinnedPoll(): void;
}

/** Instantiates the module and boots the runtime in it (the top-level code has not run yet: see runTopLevel). */
export async function instantiate(
  message: InitMessage,
  files: ((grants: Grants) => FileFunctions) | undefined,
  hooks: BootHooks,
): Promise<WorkerInstance> {
  const { memory, index } = message;
  const functions = builtinHostFunctions(files?.(message.grants) ?? null, message.grants);
  let syncFunctions = new Map<string, SyncHostFunction>();
  if (message.hostModule) {
    const mod = await importHostModule(message.hostModule);
    for (const [name, fn] of Object.entries(mod)) if (typeof fn === "function") functions.set(name, fn as HostFunction);
    syncFunctions = syncFunctionsOf(mod, message.hostModule);
  }
  let jspi: JspiLoop | null = null;
  if (message.backend === "jspi") {
    if (!engineHasJspi()) throw new Error("this engine has no JSPI (WebAssembly.Suspending and WebAssembly.promising)");
    jspi = new JspiLoop();
  }
  const shared = new SharedState(memory);
  // The imports reach these once they exist: none is called before __vt_boot.
  let exports!: RuntimeExports;
  let hostCalls!: HostCalls;
  const imports = moduleImports(message.module, memory, jspi, syncFunctions, () => exports, {
    ...hooks,
    hostStart: (rec) => hostCalls.start(rec),
    hostPending: () => hostCalls.pending,
  });
  const raw = new WebAssembly.Instance(message.module, imports).exports as unknown as RuntimeExports;
  exports = nestMutatorBrackets(raw);
  jspi?.attach(exports, shared);
  exports.__vt_boot(index, message.workers, jspi ? 1 : 0);
  if (jspi) raw.__vt_jspi_attach();
  if (shared.abiVersion() !== LAYOUT_ABI) {
    throw new Error("the module's runtime layout does not match this host: rebuild it with this vthreads version");
  }
  hostCalls = new HostCalls(memory, exports, functions, shared, index);
  const marshal: MarshalContext = { memory, exports, typeIds: typeIds(exports) };
  const { manifest, sliceMs } = message;
  return { index, memory, shared, manifest, sliceMs, raw, exports, jspi, marshal, hostCalls };
}

/**
 * Runs this instance's own initialisation (`_start`) and the guest's top-level code, once per runtime (the first
 * worker here runs it, the others wait for it). False when it failed on another worker, which reports why (the
 * Runtime then stops every worker); throws when it failed here.
 */
export function runTopLevel(w: WorkerInstance): boolean {
  // Top-level code allocates: bracket it so that no collection runs meanwhile (and its globals get published).
  w.exports.__vt_mutator_enter();
  try {
    w.exports._start();
    try {
      return w.exports.__vt_start_program() !== 0;
    } catch (e) {
      w.raw.__vt_program_failed();
      throw new Error(`the module's top-level code failed: ${describe(e)}`);
    }
  } finally {
    w.exports.__vt_mutator_leave();
  }
}

interface ImportHooks extends BootHooks {
  hostStart(rec: number): number;
  hostPending(): number;
}

function moduleImports(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  jspi: JspiLoop | null,
  syncFunctions: Map<string, SyncHostFunction>,
  exports: () => RuntimeExports,
  hooks: ImportHooks,
): WebAssembly.Imports {
  const str = (ptr: number) => readString(memory, ptr);
  const log = (level: "log" | "info" | "warn" | "error" | "debug") => (ptr: number) => console[level](str(ptr));
  const provided: Record<string, Record<string, unknown>> = {
    env: {
      memory,
      abort: (msg: number, file: number, line: number, column: number) => {
        const where = file ? ` (at ${str(file)}:${line}:${column})` : "";
        throw new GuestAbort(`${msg ? str(msg) : "abort"}${where}`);
      },
      "Date.now": () => Date.now(),
      trace: (msg: number, n: number, ...args: number[]) => console.log(`trace: ${str(msg)}`, ...args.slice(0, n)),
      seed: () => Date.now() * Math.random(),
      "console.log": log("log"),
      "console.info": log("info"),
      "console.warn": log("warn"),
      "console.error": log("error"),
      "console.debug": log("debug"),
    },
    vthreads: {
      now: () => performance.timeOrigin + performance.now(),
      root_done: (frame: number, message: number, thread: number) => hooks.rootDone(frame, message, thread),
      host_start: (rec: number) => hooks.hostStart(rec),
      jspi_suspend: jspi?.suspendImport ?? (() => {
        throw new Error("vthreads: a JSPI suspension in a module running on Asyncify");
      }),
      jspi_done: jspi?.doneImport ?? (() => {
        throw new Error("vthreads: a JSPI thread's end in a module running on Asyncify");
      }),
      jspi_stack_end: jspi?.stackEndImport ?? (() => {
        throw new Error("vthreads: a JSPI stack's end in a module running on Asyncify");
      }),
      shadow_overflow: () => {
        throw new GuestAbort("stack overflow: the thread's shadow stack is full (recursion too deep)");
      },
      // A pinned wait's nested loop (wasm/driver/pin.ts): a trap fails the nested thread that ran, not the pin.
      run_nested: () => {
        try {
          return exports().__vt_run_nested();
        } catch (e) {
          hooks.failRunning(e);
          return 1;
        }
      },
      host_pending: () => hooks.hostPending(),
      pinned_poll: () => hooks.pinnedPoll(),
    },
    host_sync: syncImports(module, syncFunctions, exports),
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (!(imp.name in (provided[imp.module] ?? {}))) {
      throw new Error(`the module imports ${imp.module}.${imp.name}, which the vthreads host does not provide`);
    }
  }
  return provided as WebAssembly.Imports;
}

/** Runtime ids of the std classes the marshalling makes, by mangled name (`__vt_typeid_*` exports). */
function typeIds(exports: RuntimeExports): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const [name, fn] of Object.entries(exports)) {
    if (name.startsWith("__vt_typeid_") && typeof fn === "function") ids[name.slice(12)] = (fn as () => number)();
  }
  return ids;
}

/** A `hostModule`: its exported functions are host functions by export name; `sync` holds synchronous ones. */
async function importHostModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`cannot import the hostModule ${url}: ${describe(e)}`);
  }
}
