// The host's Runtime: several workers, each with an instance of one module over one shared memory.
// `call` runs a guest export as a root virtual thread on whichever worker gets to it first.

import type { ModuleSource } from "./source.js";
import { ModuleError, type Manifest } from "../abi/manifest.js";
import { chooseBackend, type Backend, type BackendOption } from "./backend.js";
import { ThreadFailure, RuntimeClosedError, RuntimeBrokenError, CancelledError, DeadlockError } from "./errors.js";
import type { Dump } from "./dump.js";
import { readMemoryStats, readSchedulerStats, type MemoryStats, type SchedulerStats } from "./stats.js";
import { MAX_WORKERS, IDLE_WAITING, GC_IDLE, GC_COLLECTING } from "../abi/layout.js";
import { SharedState } from "../abi/shared-state.js";
import { validateArgs } from "../bindings/marshal.js";
import { normalizeGrants, type AllowOptions } from "../workers/grants.js";
import type { WorkerHandle } from "../workers/handle.js";
import { currentPlatform } from "./platform.js";
import type { FromWorker } from "../workers/protocol.js";

export interface RuntimeOptions {
  /** Number of workers (kernel threads). Default: the machine's available parallelism. */
  workers?: number;
  /** How long a worker runs threads before it lets its event loop take messages (ms). Default 5. */
  sliceMs?: number;
  /**
   * Collect garbage automatically (default true). With `false` guest objects are never freed unless `collect()` is
   * called (for measuring the allocator alone).
   */
  gc?: boolean;
  /**
   * An ES module every worker imports: its exported functions (sync or async) are the host functions the guest
   * calls with `callHost("name", args)`. A path (Node) or URL (relative to the page in browsers). Each function gets
   * the guest's arguments (numbers, bigints, booleans, strings, Uint8Arrays) and, when it declares one more
   * parameter, an AbortSignal that fires if the calling thread is cancelled. Built-ins (fetch, console, clock,
   * random, files on Node) need no module.
   */
  hostModule?: string | URL;
  /**
   * The stack switching (see README, "Backends"): "asyncify", "jspi" (Node 25+, Chromium 137+), or "auto" (default:
   * Asyncify unless only a JSPI build is at hand). With a path or URL, the file for the backend is the one beside
   * it: x.wasm for Asyncify, x.jspi.wasm for JSPI. `Runtime.backend` and `backendReason` say what was picked.
   */
  backend?: BackendOption;
  /**
   * JSPI backend: the most threads that may hold a JSPI stack at once (default `DEFAULT_JSPI_STACK_LIMIT`: 25,000 in
   * Node, 18,000 in a browser). A process dies, uncatchably, somewhere above 30,000 suspended JSPI stacks in Node 25
   * and 21,000 in Chromium 156 (each stack costs ~17 KB and two or three memory mappings); a thread started beyond
   * the limit fails with a message that says so. Several runtimes in one process share that budget.
   */
  jspiStackLimit?: number;
  /**
   * Node: the most MiB of JS heap each worker may use (worker_threads' `maxOldGenerationSizeMb`; the shared Wasm
   * memory does not count). A host function that runs past it kills its worker, and the runtime breaks (see
   * RuntimeBrokenError) instead of the process running out of memory. Default: Node's own limit. Ignored in browsers.
   */
  workerHeapMb?: number;
  /**
   * What the guest may reach through the built-in host functions, Deno-style: `{ read: [...], write: [...], net:
   * [...] }`, each a list (paths: a directory grants everything below it; origins: "https://host:port") or `true`
   * for everything. Nothing by default: `readFile`, `writeFile` and `fetch` fail the thread with a message naming
   * the grant they need. Paths are checked as written and as resolved through symlinks. See host/workers/grants.ts.
   */
  allow?: AllowOptions;
}

export interface CallOptions {
  /** Cancels the call's root thread when it fires: the call rejects with a CancelledError. */
  signal?: AbortSignal;
}

export interface CloseOptions {
  /**
   * How long to wait for background work (`spawnBackground`) before cancelling it (ms). Default: wait as long as
   * it takes, as a join would.
   */
  cancelBackgroundAfterMs?: number;
}

/** The text between a deadlock's message and its dump (wasm debug/deadlock.ts). */
const DUMP_MARK = "\n@dump ";

interface PendingCall {
  name: string;
  worker: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class Runtime {
  private readonly pending = new Map<number, PendingCall>();
  private nextCallId = 1;
  private nextWorker = 0;
  private closed = false;
  /** Why the runtime broke (a worker died or failed), or null. */
  private broken: { worker: number; reason: string } | null = null;
  private closing: Promise<void> | null = null;
  private idle: (() => void) | null = null;
  /** Dumps asked of a worker and not answered yet: settled with its JSON (null: out of memory), or failed. */
  private readonly dumps = new Map<number, { settle: (json: string | null) => void; fail: (e: Error) => void }>();
  private nextDumpId = 1;

  private constructor(
    readonly manifest: Manifest,
    readonly memory: WebAssembly.Memory,
    private readonly workers: WorkerHandle[],
    /** The stack switching this runtime uses. */
    readonly backend: Backend,
    /** Why that backend (for "auto", what it picked and why). */
    readonly backendReason: string,
    /** The shared header and counters, read directly (statistics, collections, idle workers, background work). */
    private readonly shared: SharedState,
  ) {}

  /** Starts `options.workers` workers running the module built by `vthreads build`. */
  static async start(source: ModuleSource, options: RuntimeOptions = {}): Promise<Runtime> {
    const platform = currentPlatform();
    const workers = options.workers ?? (await platform.defaultWorkers());
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
      throw new RangeError(`Runtime.start: workers must be an integer from 1 to ${MAX_WORKERS}, got ${describeOption(workers)}`);
    }
    const sliceMs = options.sliceMs ?? 5;
    if (!(typeof sliceMs === "number" && sliceMs > 0)) {
      throw new RangeError(`Runtime.start: sliceMs must be a positive number, got ${describeOption(sliceMs)}`);
    }
    await platform.checkSharedMemory();
    const hostModule = options.hostModule === undefined ? undefined : platform.hostModuleUrl(options.hostModule);
    const { module, manifest, backend, reason } = await chooseBackend(source, options.backend, platform);
    const memory = new WebAssembly.Memory({
      initial: manifest.memory.initial,
      maximum: manifest.memory.maximum,
      shared: true,
    });
    if (options.gc !== undefined && typeof options.gc !== "boolean") {
      throw new TypeError(`Runtime.start: gc must be a boolean, got ${describeOption(options.gc)}`);
    }
    const jspiStackLimit = options.jspiStackLimit ?? platform.jspiStackLimit;
    if (!Number.isInteger(jspiStackLimit) || jspiStackLimit < 1) {
      throw new RangeError(`Runtime.start: jspiStackLimit must be a positive integer, got ${describeOption(options.jspiStackLimit)}`);
    }
    const shared = new SharedState(memory);
    shared.setJspiStackLimit(jspiStackLimit);
    const grants = normalizeGrants(options.allow);
    const heapMb = options.workerHeapMb;
    if (heapMb !== undefined && !(typeof heapMb === "number" && heapMb > 0 && Number.isFinite(heapMb))) {
      throw new RangeError(`Runtime.start: workerHeapMb must be a positive number of MiB, got ${String(heapMb)}`);
    }
    // Read by the allocator from the first allocation on; the workers' boot leaves it alone.
    if (options.gc === false) shared.disableGc();

    let runtime: Runtime | null = null;
    const early: { index: number; message: FromWorker }[] = [];
    const ready = new Set<number>();
    let startError: string | null = null;
    let settleStart: () => void = () => {};
    const started = new Promise<void>((resolve) => (settleStart = resolve));
    const events = {
      message(index: number, message: FromWorker) {
        if (runtime) return runtime.onMessage(index, message);
        if (message.type === "ready") ready.add(index);
        else if (message.type === "fatal") startError ??= message.message;
        else early.push({ index, message });
        if (startError || ready.size === workers) settleStart();
      },
      died(index: number, reason: string) {
        if (runtime) return runtime.onWorkerDied(index, reason);
        startError ??= `worker ${index} died while starting: ${reason}`;
        settleStart();
      },
    };
    const handles = await Promise.all(Array.from({ length: workers }, (_, i) => platform.startWorker(i, events, { heapMb })));
    handles.forEach((h, index) => h.post({ type: "init", module, memory, manifest, index, workers, sliceMs, hostModule, backend, grants }));
    await started;
    if (startError) {
      await Promise.all(handles.map((h) => h.terminate()));
      throw new ModuleError(startError);
    }
    runtime = new Runtime(manifest, memory, handles, backend, reason, shared);
    for (const { index, message } of early) runtime.onMessage(index, message);
    runtime.setKeepAlive(false);
    return runtime;
  }

  /** Number of workers. */
  get workerCount(): number {
    return this.workers.length;
  }

  /** Runs the guest export `name` as a root virtual thread; resolves with its result. */
  call(name: string, ...args: unknown[]): Promise<unknown> {
    return this.callWith(name, args);
  }

  /**
   * `call` with options: `signal` cancels the root thread (its blocking calls end it, its groups are cancelled and
   * waited for, what it holds is released); the call then rejects with a CancelledError.
   */
  callWith(name: string, args: unknown[], options: CallOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new RuntimeClosedError(`cannot call "${name}": the runtime is closed`));
    if (this.broken) return Promise.reject(this.brokenError(`cannot call "${name}"`));
    const exportIndex = this.manifest.exports.findIndex((e) => e.name === name);
    if (exportIndex < 0) {
      const known = this.manifest.exports.map((e) => e.name).join(", ") || "(none)";
      return Promise.reject(new TypeError(`the module has no export "${name}" (exports: ${known})`));
    }
    try {
      validateArgs(this.manifest.exports[exportIndex], args);
    } catch (e) {
      return Promise.reject(e);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError(`call "${name}" was cancelled before it started`, name, 0));
    const id = this.nextCallId++;
    const index = this.pickWorker();
    const worker = this.workers[index];
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.setKeepAlive(true);
      let onAbort: (() => void) | null = null;
      if (signal) {
        onAbort = () => worker.post({ type: "cancel", id });
        signal.addEventListener("abort", onAbort, { once: true });
      }
      const done = () => { if (onAbort) signal!.removeEventListener("abort", onAbort); };
      this.pending.set(id, {
        name,
        worker: index,
        resolve: (v) => { done(); resolve(v); },
        reject: (e) => { done(); reject(e); },
      });
      worker.post({ type: "call", id, exportIndex, args });
    });
  }

  /**
   * A snapshot of every live thread as a tree: root calls, the groups they created, their threads, and so on, each
   * thread with its state and what it waits on (see Dump). `renderDump` turns it into text.
   */
  dump(): Promise<Dump> {
    if (this.closed && !this.closing) return Promise.reject(new RuntimeClosedError("cannot dump: the runtime is closed"));
    if (this.broken) return Promise.reject(this.brokenError("cannot dump"));
    const id = this.nextDumpId++;
    const worker = this.workers[this.pickWorker()];
    return new Promise((resolve, reject) => {
      this.dumps.set(id, {
        settle: (json) => {
          if (json === null) reject(new Error("cannot dump: the runtime is out of memory"));
          else resolve(JSON.parse(json) as Dump);
        },
        fail: reject,
      });
      worker.post({ type: "dump", id });
    });
  }

  /**
   * The worker that starts a call runs it first, so prefer one that is idle (waiting for work); otherwise take
   * turns. A call sent to a busy worker waits until that worker's running thread yields.
   */
  private pickWorker(): number {
    const n = this.workers.length;
    for (let k = 0; k < n; k++) {
      const i = (this.nextWorker + k) % n;
      if (this.shared.idle(i) === IDLE_WAITING) {
        this.nextWorker = i + 1;
        return i;
      }
    }
    return this.nextWorker++ % n;
  }

  /** Bytes in use on the shared heap, read directly from shared memory. */
  memoryStats(): MemoryStats {
    return readMemoryStats(this.shared, this.workers.length);
  }

  /**
   * Runs a garbage collection and resolves when it is over. The collection starts when every worker has reached a
   * scheduling point (a thread that computes without yielding delays it); idle workers are woken to run it, and
   * they take its marking steps until it is done.
   */
  async collect(): Promise<void> {
    if (this.closed) throw new RuntimeClosedError("cannot collect: the runtime is closed");
    if (this.broken) throw this.brokenError("cannot collect");
    const shared = this.shared;
    const request = () => {
      shared.requestCollection();
      // Idle workers sleep on the wake word; the one that wakes runs the collection at its first scheduling point.
      shared.wakeWorkers();
    };
    const before = shared.gcCount();
    // A collection under way may have marked what became garbage before this call: then the next one frees it.
    const running = shared.gcState() === GC_COLLECTING || shared.gcUnderway();
    // Atomics.waitAsync alone does not keep the process alive; the workers do while we wait.
    this.setKeepAlive(true);
    try {
      request();
      // A collection that began after this call: the second one if one was running already.
      const target = running ? before + 2 : before + 1;
      while (shared.gcCount() - target < 0) {
        if (this.broken) throw this.brokenError("collection lost");
        const seen = shared.gcCount();
        if (shared.gcState() === GC_IDLE) request(); // the one before ours has just finished, or took a step
        // While one is under way, workers that run threads take its steps only as they allocate: ask for the next soon.
        await shared.waitForGcCount(seen, shared.gcUnderway() ? 1 : 50);
      }
    } finally {
      if (this.pending.size === 0) this.setKeepAlive(false);
    }
  }

  /** Scheduler counters, read directly from shared memory. */
  schedulerStats(): SchedulerStats {
    return readSchedulerStats(this.shared, this.workers.length);
  }

  /**
   * Waits for the calls in flight, then joins the background group (threads from `spawnBackground`), then stops
   * the workers. With `cancelBackgroundAfterMs`, background work still running after that long is cancelled (and
   * still waited for, so it releases what it holds). Calls made after `close()` reject.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.closing) return this.closing;
    const limit = options.cancelBackgroundAfterMs;
    if (limit !== undefined && !(typeof limit === "number" && limit >= 0)) {
      return Promise.reject(new RangeError(`close: cancelBackgroundAfterMs must be a number >= 0, got ${String(limit)}`));
    }
    this.closed = true;
    this.closing = (async () => {
      if (this.pending.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      if (!this.broken) await this.joinBackground(limit);
      await Promise.all(this.workers.map((w) => w.terminate()));
      // A dump asked while closing would otherwise never settle (the worker that was to answer is gone).
      this.failDumps("cannot dump: the runtime closed before the dump was taken");
    })();
    return this.closing;
  }

  private failDumps(message: string): void {
    for (const { fail } of this.dumps.values()) fail(new RuntimeClosedError(message));
    this.dumps.clear();
  }

  /** Waits until the background group has no live thread (the wasm side notifies its count at zero). */
  private async joinBackground(cancelAfterMs: number | undefined): Promise<void> {
    const live = this.shared.backgroundLive();
    if (live === null) return;
    const deadline = cancelAfterMs === undefined ? Infinity : performance.now() + cancelAfterMs;
    let cancelled = false;
    this.setKeepAlive(true);
    try {
      while (!this.broken) {
        const n = Atomics.load(live, 0);
        if (n === 0) return;
        const left = deadline - performance.now();
        if (!cancelled && left <= 0) {
          cancelled = true;
          this.workers[0].post({ type: "cancel-background" });
        }
        const wait = Atomics.waitAsync(live, 0, n, cancelled ? 50 : Math.min(Math.max(left, 0), 50));
        if (wait.async) await wait.value;
      }
    } finally {
      this.setKeepAlive(false);
    }
  }

  private onMessage(index: number, message: FromWorker): void {
    switch (message.type) {
      case "result": {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(callError(call.name, message.thread ?? 0, message.reason ?? "", message.cancelled === true));
        if (this.pending.size === 0) this.settled();
        return;
      }
      case "dump": {
        const settle = this.dumps.get(message.id)?.settle;
        this.dumps.delete(message.id);
        settle?.(message.json);
        return;
      }
      case "fatal":
        this.breakDown(index, `failed: ${message.message}`);
        return;
      default:
        return;
    }
  }

  private onWorkerDied(index: number, reason: string): void {
    this.breakDown(index, `died: ${reason}`);
  }

  /**
   * Worker `index` died or failed: the runtime cannot go on (RuntimeBrokenError says why). Every call in flight
   * rejects, whichever worker runs its threads (they may wait on the dead worker's threads, or it may have died
   * holding a lock they need), and every later call is refused.
   */
  private breakDown(index: number, reason: string): void {
    this.broken ??= { worker: index, reason };
    for (const call of this.pending.values()) call.reject(this.brokenError(`call "${call.name}" lost`));
    this.pending.clear();
    for (const { fail } of this.dumps.values()) fail(this.brokenError("cannot dump"));
    this.dumps.clear();
    this.settled();
  }

  private brokenError(what: string): RuntimeBrokenError {
    const { worker, reason } = this.broken!;
    return new RuntimeBrokenError(
      `${what}: the runtime is broken: worker ${worker} ${reason}. A dead or failed worker may leave the shared ` +
        "memory half-updated, so the runtime refuses further calls: close it and start a new one",
      worker,
      reason,
    );
  }

  /** No call in flight: let the process exit even if nobody calls close(), and let close() proceed. */
  private settled(): void {
    this.setKeepAlive(false);
    this.idle?.();
  }

  private setKeepAlive(alive: boolean): void {
    for (const w of this.workers) w.keepAlive(alive);
  }
}

/** The error a failed or cancelled root call rejects with. */
/** An option's bad value as the message shows it: a string is called one, so `"4"` is not mistaken for 4. */
function describeOption(value: unknown): string {
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : String(value);
}

function callError(name: string, thread: number, reason: string, cancelled: boolean): Error {
  const where = thread ? `thread ${thread} (root of "${name}")` : `call "${name}"`;
  if (cancelled) return new CancelledError(`${where} was cancelled`, name, thread);
  const mark = reason.indexOf(DUMP_MARK);
  if (reason.startsWith("deadlock:") && mark >= 0) {
    const headline = reason.slice(0, mark);
    let dump: unknown = null;
    try {
      dump = JSON.parse(reason.slice(mark + DUMP_MARK.length));
    } catch {
      // a dump that does not parse still leaves the headline
    }
    return new DeadlockError(`${where} failed: ${headline}`, name, thread, headline, dump);
  }
  return new ThreadFailure(`${where} failed: ${reason}`, name, thread, reason);
}

