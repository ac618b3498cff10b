// What every worker runs, in Node (worker_threads) or a browser (Web Worker): one instance of the module over the
// shared memory, and a loop that runs virtual threads in Wasm and, when none is runnable, waits on the shared
// wake word without blocking its event loop (so messages and timers still arrive).

import type { ToWorker, FromWorker, InitMessage, CallMessage } from "./protocol.js";
import type { Manifest } from "../runtime/manifest.js";
import * as L from "../runtime/layout.js";
import { readString, writeString } from "../bindings/strings.js";
import { lowerArgs, liftResult, type MarshalContext } from "../bindings/marshal.js";
import { HostCalls, type HostFunction } from "./host-calls.js";
import { builtinHostFunctions, type FileFunctions } from "./builtins.js";
import type { Grants } from "../runtime/grants.js";
import { JspiLoop, RUN_BUSY, type JspiExports } from "./jspi-loop.js";
import { engineHasJspi } from "../runtime/backend.js";
import { syncFunctionsOf, syncImports, type SyncHostFunction } from "./sync-host.js";

interface RuntimeExports extends JspiExports {
  __vt_boot(index: number, workers: number, jspi: number): number;
  __vt_run(sliceMs: number): number;
  __vt_fail_current(message: number): number;
  __vt_next_deadline(): number;
  __vt_runnable(): number;
  __vt_alloc(size: number): number;
  __vt_free(ptr: number): void;
  __vt_string(units: number): number;
  __vt_dump(): number;
  __vt_deadlock_suspected(): number;
  __vt_break_deadlock(): number;
  __vt_cancel_root(thread: number): number;
  __vt_cancel_background(): void;
  __new(size: number, id: number): number;
  __vt_pin(ptr: number): number;
  __vt_unpin(ptr: number): number;
  __vt_host_settle(rec: number, state: number): number;
  __vt_host_drop(rec: number): void;
  __vt_reenter(fn: number, arg: number): number;
  __vt_host_frames(): number;
  __vt_set_host_frames(n: number): void;
  __vt_run_nested(): number;
  _start(): void;
  __vt_start_program(): number;
  __vt_program_failed(): void;
  [name: string]: unknown;
}

/** A guest `abort` (AssemblyScript's `throw`, failed assertions): fails the running thread with this message. */
class GuestAbort extends Error {}

export interface WorkerHost {
  post(message: FromWorker): void;
  /** Runs `fn` soon, after pending messages (setImmediate in Node, a MessageChannel post in browsers). */
  soon(fn: () => void): void;
  /** File access for the built-in host functions, within the runtime's grants (Node); browsers have none. */
  files?: (grants: Grants) => FileFunctions;
  /**
   * Takes a message already sent to this worker without going through the event loop, if the platform can
   * (Node: receiveMessageOnPort). A pinned worker uses it to serve cancellations and dumps during the pin.
   */
  poll?(): ToWorker | undefined;
}

export class WorkerCore {
  private exports!: RuntimeExports;
  /** The instance's own exports (`exports` nests the mutator brackets, see nestMutatorBrackets). */
  private raw!: RuntimeExports;
  /** The JSPI backend's loop; null on Asyncify, where the loop is `__vt_run`, in Wasm. */
  private jspi: JspiLoop | null = null;
  private memory!: WebAssembly.Memory;
  private manifest!: Manifest;
  private marshal!: MarshalContext;
  private hostCalls!: HostCalls;
  private index = -1;
  private sliceMs = 5;
  private header!: Int32Array;
  private workerStats!: Int32Array;
  private closing = false;
  private pumping = false;
  /** Root thread of each call this worker started (for cancellation), by call id. */
  private readonly rootThreads = new Map<number, number>();
  /** Switch count when this worker last suspected a deadlock; the next idle check confirms it. */
  private deadlockSuspect: number | null = null;

  constructor(private readonly host: WorkerHost) {}

  onMessage(message: ToWorker): void {
    switch (message.type) {
      case "init":
        void this.init(message);
        break;
      case "call":
        this.call(message);
        break;
      case "cancel": {
        const thread = this.rootThreads.get(message.id);
        if (thread !== undefined) this.exports.__vt_cancel_root(thread);
        this.kick();
        break;
      }
      case "dump":
        this.host.post({ type: "dump", id: message.id, json: this.dump() });
        break;
      case "cancel-background":
        this.exports.__vt_cancel_background();
        this.kick();
        break;
      case "close":
        this.closing = true;
        this.host.post({ type: "closed", index: this.index });
        break;
    }
  }

  /**
   * Inside a pinned wait (wasm scheduler/pin.ts) the event loop cannot run: serve cancellations and dumps now, and
   * leave the rest (new calls, close) for after the pin, in order. This worker is a mutator all along; the
   * exports below leave the mutator bracket on their way out, so re-enter it (no collection runs during a pin).
   */
  private pinnedPoll(): void {
    if (!this.host.poll) return;
    let m: ToWorker | undefined;
    while ((m = this.host.poll()) !== undefined) {
      const message = m;
      if (message.type === "cancel" && this.rootThreads.has(message.id) && this.deferred.length === 0) {
        this.exports.__vt_cancel_root(this.rootThreads.get(message.id)!);
        this.raw.__vt_mutator_enter(); // the Wasm-level bracket: the pin is inside __vt_run, outside the JS count
      } else if (message.type === "dump") {
        const json = this.dump();
        this.raw.__vt_mutator_enter();
        this.host.post({ type: "dump", id: message.id, json });
      } else {
        if (this.deferred.length === 0) this.host.soon(this.runDeferred);
        this.deferred.push(message);
      }
    }
  }

  /** Messages a pinned worker took and could not serve during the pin. */
  private deferred: ToWorker[] = [];
  private runDeferred = (): void => {
    const messages = this.deferred;
    this.deferred = [];
    for (const m of messages) this.onMessage(m);
  };

  private async init(message: InitMessage): Promise<void> {
    this.index = message.index;
    try {
      this.memory = message.memory;
      this.manifest = message.manifest;
      this.sliceMs = message.sliceMs;
      const functions = builtinHostFunctions(this.host.files?.(message.grants) ?? null, message.grants);
      let syncFunctions = new Map<string, SyncHostFunction>();
      if (message.hostModule) {
        const mod = await importHostModule(message.hostModule);
        for (const [name, fn] of Object.entries(mod)) if (typeof fn === "function") functions.set(name, fn as HostFunction);
        syncFunctions = syncFunctionsOf(mod, message.hostModule);
      }
      if (message.backend === "jspi") {
        if (!engineHasJspi()) throw new Error("this engine has no JSPI (WebAssembly.Suspending and WebAssembly.promising)");
        this.jspi = new JspiLoop();
      }
      const instance = new WebAssembly.Instance(message.module, this.imports(message.module, syncFunctions));
      this.raw = instance.exports as unknown as RuntimeExports;
      this.exports = nestMutatorBrackets(this.raw);
      this.jspi?.attach(this.exports, this.memory);
      this.exports.__vt_boot(this.index, message.workers, this.jspi ? 1 : 0);
      if (this.jspi) this.raw.__vt_jspi_attach();
      this.header = new Int32Array(this.memory.buffer, 0, L.WORKER_STATS >> 2);
    this.workerStats = new Int32Array(this.memory.buffer, 0, (L.WORKER_STATS + L.MAX_WORKERS * L.WORKER_STATS_STRIDE) >> 2);
      if (Atomics.load(this.header, L.ABI_VERSION >> 2) !== L.LAYOUT_ABI) {
        throw new Error("the module's runtime layout does not match this host: rebuild it with this vthreads version");
      }
      // Top-level code allocates: bracket it so that no collection runs meanwhile (and its globals get published).
      // `_start` is this instance's own initialisation; `__vt_start_program` runs the guest's top-level code, once
      // per runtime (the first worker here runs it, the others wait for it).
      this.exports.__vt_mutator_enter();
      try {
        this.exports._start();
        let started: number;
        try {
          started = this.exports.__vt_start_program();
        } catch (e) {
          this.raw.__vt_program_failed();
          throw new Error(`the module's top-level code failed: ${describe(e)}`);
        }
        // It failed on the worker that ran it, which reports why; Runtime.start then stops every worker.
        if (started === 0) return;
      } finally {
        this.exports.__vt_mutator_leave();
      }
      this.marshal = { memory: this.memory, exports: this.exports, typeIds: this.typeIds() };
      this.hostCalls = new HostCalls(this.memory, this.exports, functions, this.workerStats, this.index);
    } catch (e) {
      this.host.post({ type: "fatal", index: this.index, message: `worker ${this.index} failed to start: ${describe(e)}` });
      return;
    }
    this.host.post({ type: "ready", index: this.index });
    this.pump();
  }

  private imports(module: WebAssembly.Module, syncFunctions: Map<string, SyncHostFunction>): WebAssembly.Imports {
    const str = (ptr: number) => readString(this.memory, ptr);
    const log = (level: "log" | "info" | "warn" | "error" | "debug") => (ptr: number) => console[level](str(ptr));
    const provided: Record<string, Record<string, unknown>> = {
      env: {
        memory: this.memory,
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
        root_done: (frame: number, message: number, thread: number) => this.rootDone(frame, message, thread),
        host_start: (rec: number) => this.hostCalls.start(rec),
        jspi_suspend: this.jspi?.suspendImport ?? (() => {
          throw new Error("vthreads: a JSPI suspension in a module running on Asyncify");
        }),
        jspi_done: this.jspi?.doneImport ?? (() => {
          throw new Error("vthreads: a JSPI thread's end in a module running on Asyncify");
        }),
        jspi_stack_end: this.jspi?.stackEndImport ?? (() => {
          throw new Error("vthreads: a JSPI stack's end in a module running on Asyncify");
        }),
        shadow_overflow: () => {
          throw new GuestAbort("stack overflow: the thread's shadow stack is full (recursion too deep)");
        },
        // A pinned wait's nested loop (wasm scheduler/pin.ts): a trap fails the nested thread that ran, not the pin.
        run_nested: () => {
          try {
            return this.exports.__vt_run_nested();
          } catch (e) {
            this.failRunningThread(e);
            return 1;
          }
        },
        host_pending: () => this.hostCalls.pending,
        pinned_poll: () => this.pinnedPoll(),
      },
      host_sync: syncImports(module, syncFunctions, () => this.exports),
    };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (!(imp.name in (provided[imp.module] ?? {}))) {
        throw new Error(`the module imports ${imp.module}.${imp.name}, which the vthreads host does not provide`);
      }
    }
    return provided as WebAssembly.Imports;
  }

  private typeIds(): Record<string, number> {
    const ids: Record<string, number> = {};
    for (const [name, fn] of Object.entries(this.exports)) {
      if (name.startsWith("__vt_typeid_") && typeof fn === "function") ids[name.slice(12)] = (fn as () => number)();
    }
    return ids;
  }

  /**
   * Lowers the arguments into a frame and spawns the root thread; any worker may end up running it. The frame is a
   * raw block, so the collector keeps the arguments (and later the result) alive until `rootDone` frees it; the
   * mutator bracket keeps a collection from running while the new objects are only in JS variables.
   */
  private call(message: CallMessage): void {
    this.exports.__vt_mutator_enter();
    try {
      this.lowerAndSpawn(message);
    } finally {
      this.exports.__vt_mutator_leave();
    }
  }

  private lowerAndSpawn(message: CallMessage): void {
    const sig = this.manifest.exports[message.exportIndex];
    const frameSize = L.FRAME_SLOTS + L.SLOT_SIZE * (sig.params.length + 1);
    const frame = this.exports.__vt_alloc(frameSize);
    if (frame === 0) return this.reject(message.id, "out of memory: cannot allocate the call's frame");
    new Uint8Array(this.memory.buffer, frame, frameSize).fill(0);
    const u32 = new Uint32Array(this.memory.buffer);
    u32[(frame + L.FRAME_CALL_ID) >> 2] = message.id;
    u32[(frame + L.FRAME_EXPORT_INDEX) >> 2] = message.exportIndex;
    try {
      lowerArgs(this.marshal, sig, message.args, frame);
    } catch (e) {
      this.exports.__vt_free(frame);
      return this.reject(message.id, `cannot pass the arguments of "${sig.name}": ${describe(e)}`);
    }
    const spawn = this.exports[`__vt_call_${sig.name}`] as (frame: number) => number;
    const thread = spawn(frame);
    if (thread === 0) {
      this.exports.__vt_free(frame);
      return this.reject(message.id, "out of memory: cannot allocate the root thread");
    }
    this.rootThreads.set(message.id, thread);
  }

  /** The dump as JSON text (null when out of memory). */
  private dump(): string | null {
    const block = this.exports.__vt_dump();
    if (block === 0) return null;
    const length = new Uint32Array(this.memory.buffer, block, 1)[0];
    // Copy out of shared memory: TextDecoder refuses views of a SharedArrayBuffer.
    const json = new TextDecoder().decode(new Uint8Array(this.memory.buffer, block + 8, length).slice());
    this.exports.__vt_free(block);
    return json;
  }

  /** Something may have become runnable from outside a thread (a cancellation): let the workers look. */
  private kick(): void {
    Atomics.add(this.header, L.WAKE_EPOCH >> 2, 1);
    Atomics.notify(this.header, L.WAKE_EPOCH >> 2);
  }

  private reject(id: number, reason: string): void {
    this.host.post({ type: "result", id, ok: false, thread: 0, reason });
  }

  /** The `vthreads.root_done` import: a root thread ended on this worker. */
  private rootDone(frame: number, message: number, thread: number): void {
    const u32 = new Uint32Array(this.memory.buffer);
    const id = u32[(frame + L.FRAME_CALL_ID) >> 2];
    this.rootThreads.delete(id);
    // The frame is freed before the result goes out: memory stats read when the call has settled do not count it.
    let result: FromWorker;
    if (Atomics.load(u32, (frame + L.FRAME_STATUS) >> 2) === L.STATUS_CANCELLED) {
      result = { type: "result", id, ok: false, thread, cancelled: true, reason: "cancelled" };
    } else if (message !== 0) {
      result = { type: "result", id, ok: false, thread, reason: readString(this.memory, message) };
    } else {
      const sig = this.manifest.exports[u32[(frame + L.FRAME_EXPORT_INDEX) >> 2]];
      try {
        result = { type: "result", id, ok: true, value: liftResult(this.marshal, sig, frame), thread };
      } catch (e) {
        result = { type: "result", id, ok: false, thread, reason: `cannot read the result: ${describe(e)}` };
      }
    }
    this.exports.__vt_free(frame);
    this.host.post(result);
  }

  /** Runs virtual threads until none is runnable, then sleeps until work or the next timer is due. */
  private pump = (): void => {
    if (this.closing || this.pumping) return;
    this.pumping = true;
    this.hostCalls.checkCancels();
    if (this.jspi) {
      this.jspi.runSlice(this.sliceMs, (e) => this.failRunningThread(e)).then(
        (status) => this.afterSlice(status),
        (e) => this.fatal(`the JSPI scheduler loop failed: ${describe(e)}`),
      );
      return;
    }
    let status: number;
    try {
      status = this.raw.__vt_run(this.sliceMs);
    } catch (e) {
      this.pumping = false;
      this.failRunningThread(e);
      this.raw.__vt_mutator_leave(); // __vt_run did not get to it
      if (!this.closing) this.host.soon(this.pump);
      return;
    }
    this.afterSlice(status);
  };

  private afterSlice(status: number): void {
    this.pumping = false;
    this.hostCalls.checkCancels(); // threads this slice cancelled may have been waiting on our calls
    if (status === RUN_BUSY) {
      this.microtaskRunsSince = 0;
      this.host.soon(this.pump);
    } else if (this.hostCalls.pending > 0 && this.microtaskBudgetLeft()) {
      // A host call's promise may settle in the microtasks queued meanwhile (an already-resolved one does): look
      // again right after them, instead of paying for a sleep and a wake-up.
      queueMicrotask(this.afterMicrotasks);
    } else {
      this.microtaskRunsSince = 0;
      this.sleep();
    }
  }

  private afterMicrotasks = (): void => {
    if (this.exports.__vt_runnable() > 0) this.pump();
    else {
      this.microtaskRunsSince = 0;
      this.sleep();
    }
  };

  /** When slices started from microtasks began; 0 when the last one came from the event loop. */
  private microtaskRunsSince = 0;

  /**
   * Slices run from microtasks keep the event loop from taking messages and I/O; after a slice's worth of time in a
   * row, go through the event loop again.
   */
  private microtaskBudgetLeft(): boolean {
    const now = performance.now();
    if (this.microtaskRunsSince === 0) this.microtaskRunsSince = now;
    return now - this.microtaskRunsSince < this.sliceMs;
  }

  /** A trap or abort escaped `__vt_run`: fail the thread that was running, keep the worker. */
  private failRunningThread(error: unknown): void {
    const reason = describe(error);
    const message = writeString(this.memory, (n) => this.exports.__vt_string(n), reason);
    let failed = 0;
    try {
      failed = this.exports.__vt_fail_current(message);
    } catch (e) {
      this.fatal(`the runtime failed while failing a thread (${reason}): ${describe(e)}`);
      return;
    }
    // No thread was running: the runtime's own code trapped. Keep the stack: it names the Wasm function.
    if (failed === 0) this.fatal(`the runtime itself failed: ${reason}${error instanceof Error && error.stack ? `\n${error.stack}` : ""}`);
  }

  private fatal(message: string): void {
    this.closing = true;
    this.host.post({ type: "fatal", index: this.index, message });
  }

  /**
   * Deadlock detection (wasm debug/deadlock.ts): a first suspicion makes this worker look again shortly; if it
   * still holds and no thread ran anywhere in between, the blocked root calls fail with the dump. Returns true
   * when it broke a deadlock (threads are runnable again).
   */
  private checkDeadlock(): boolean {
    if (this.exports.__vt_deadlock_suspected() === 0) {
      this.deadlockSuspect = null;
      return false;
    }
    const switches = this.totalSwitches();
    if (this.deadlockSuspect === switches && this.exports.__vt_break_deadlock() > 0) {
      this.deadlockSuspect = null;
      return true;
    }
    this.deadlockSuspect = switches;
    return false;
  }

  private totalSwitches(): number {
    const workers = Atomics.load(this.header, L.WORKERS_BOOTED >> 2);
    let n = 0;
    for (let i = 0; i < workers; i++) n += this.workerStats[(L.WORKER_STATS + i * L.WORKER_STATS_STRIDE + L.WS_SWITCHES) >> 2];
    return n;
  }

  /**
   * Idle: announce ourselves in SLEEPERS, re-check every queue we could take from (the global queue and every
   * worker's deque), then wait on WAKE_EPOCH. A push published after our check sees SLEEPERS > 0 and bumps the
   * epoch, so the wait returns at once (no lost wake-up); see wasm runqueue.ts.
   */
  private sleep(): void {
    const h = this.header;
    Atomics.add(h, L.SLEEPERS >> 2, 1);
    const epoch = Atomics.load(h, L.WAKE_EPOCH >> 2);
    // A collection requested while this worker was busy elsewhere (Runtime.collect) runs at a scheduling point.
    if (this.exports.__vt_runnable() > 0 || Atomics.load(h, L.GC_STATE >> 2) === 1) {
      Atomics.sub(h, L.SLEEPERS >> 2, 1);
      this.host.soon(this.pump);
      return;
    }
    const deadline = this.exports.__vt_next_deadline();
    let timeout = deadline === Infinity ? Infinity : Math.max(0, deadline - (performance.timeOrigin + performance.now()));
    if (this.checkDeadlock()) {
      Atomics.sub(h, L.SLEEPERS >> 2, 1);
      this.host.soon(this.pump);
      return;
    }
    if (this.deadlockSuspect !== null) timeout = Math.min(timeout, DEADLOCK_CONFIRM_MS);
    const idle = (L.WORKER_STATS + this.index * L.WORKER_STATS_STRIDE + L.WS_IDLE) >> 2;
    Atomics.store(this.workerStats, idle, 1);
    const wake = () => {
      Atomics.store(this.workerStats, idle, 0);
      Atomics.sub(h, L.SLEEPERS >> 2, 1);
      this.pump();
    };
    const waited = Atomics.waitAsync(h, L.WAKE_EPOCH >> 2, epoch, timeout);
    if (waited.async) waited.value.then(wake);
    else this.host.soon(wake);
  }
}

/** A `hostModule`: its exported functions are host functions by export name; `sync` holds synchronous ones. */
async function importHostModule(url: string): Promise<Record<string, unknown>> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`cannot import the hostModule ${url}: ${describe(e)}`);
  }
  return mod;
}

/**
 * The exports with `__vt_mutator_enter/leave` made re-entrant: on JSPI a slice stays inside its bracket across the
 * microtasks that resume threads, and the host-call code that runs in between brackets itself too.
 */
function nestMutatorBrackets(raw: RuntimeExports): RuntimeExports {
  let depth = 0;
  return Object.assign(Object.create(null) as RuntimeExports, raw, {
    __vt_mutator_enter: () => {
      if (depth++ === 0) raw.__vt_mutator_enter();
    },
    __vt_mutator_leave: () => {
      if (--depth === 0) raw.__vt_mutator_leave();
    },
  });
}

/** How long an idle worker waits before it confirms a suspected deadlock (nothing ran meanwhile). */
const DEADLOCK_CONFIRM_MS = 25;

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

function describe(error: unknown): string {
  if (error instanceof GuestAbort) return error.message;
  // V8: RangeError "Maximum call stack size exceeded"; SpiderMonkey: InternalError "too much recursion".
  if (error instanceof Error && /call stack|too much recursion/i.test(error.message) && !(error instanceof WebAssembly.RuntimeError)) {
    return `stack overflow: ${error.message}`;
  }
  if (error instanceof WebAssembly.RuntimeError) return `trap: ${error.message}${wasmFrames(error)}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
