// The host's Runtime: several workers, each with an instance of one module over one shared memory.
// `call` runs a guest export as a root virtual thread on whichever worker gets to it first.

import { compileSource, type ModuleSource } from "./source.js";
import { readManifest, ModuleError, type Manifest } from "./manifest.js";
import { ThreadFailure, RuntimeClosedError } from "./errors.js";
import { readMemoryStats, readSchedulerStats, type MemoryStats, type SchedulerStats } from "./stats.js";
import { MAX_WORKERS, WORKER_STATS, WORKER_STATS_STRIDE, WS_IDLE, GC_DISABLED, GC_STATE, GC_COUNT, WAKE_EPOCH }
  from "./layout.js";
import { validateArgs } from "../bindings/marshal.js";
import { startNodeWorker, type WorkerHandle } from "../workers/pool.js";
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
}

interface PendingCall {
  name: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class Runtime {
  private readonly pending = new Map<number, PendingCall>();
  private nextCallId = 1;
  private nextWorker = 0;
  private closed = false;
  private broken: string | null = null;
  private closing: Promise<void> | null = null;
  private idle: (() => void) | null = null;

  private constructor(
    readonly manifest: Manifest,
    readonly memory: WebAssembly.Memory,
    private readonly workers: WorkerHandle[],
  ) {}

  /** Starts `options.workers` workers running the module built by `vthreads build`. */
  static async start(source: ModuleSource, options: RuntimeOptions = {}): Promise<Runtime> {
    const workers = options.workers ?? (await defaultWorkers());
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
      throw new RangeError(`Runtime.start: workers must be an integer from 1 to ${MAX_WORKERS}, got ${String(workers)}`);
    }
    const sliceMs = options.sliceMs ?? 5;
    if (!(typeof sliceMs === "number" && sliceMs > 0)) {
      throw new RangeError(`Runtime.start: sliceMs must be a positive number, got ${String(sliceMs)}`);
    }
    const module = await compileSource(source);
    const manifest = readManifest(module);
    const memory = new WebAssembly.Memory({
      initial: manifest.memory.initial,
      maximum: manifest.memory.maximum,
      shared: true,
    });
    if (options.gc !== undefined && typeof options.gc !== "boolean") {
      throw new TypeError(`Runtime.start: gc must be a boolean, got ${String(options.gc)}`);
    }
    // Read by the allocator from the first allocation on; the workers' boot leaves it alone.
    if (options.gc === false) Atomics.store(new Int32Array(memory.buffer, 0, 1024), GC_DISABLED >> 2, 1);

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
    const handles = await Promise.all(Array.from({ length: workers }, (_, i) => startNodeWorker(i, events)));
    handles.forEach((h, index) => h.post({ type: "init", module, memory, manifest, index, workers, sliceMs }));
    await started;
    if (startError) {
      await Promise.all(handles.map((h) => h.terminate()));
      throw new ModuleError(startError);
    }
    runtime = new Runtime(manifest, memory, handles);
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
    if (this.closed) return Promise.reject(new RuntimeClosedError(`cannot call "${name}": the runtime is closed`));
    if (this.broken) return Promise.reject(new RuntimeClosedError(`cannot call "${name}": ${this.broken}`));
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
    const id = this.nextCallId++;
    const worker = this.workers[this.pickWorker()];
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.setKeepAlive(true);
      this.pending.set(id, { name, resolve, reject });
      worker.post({ type: "call", id, exportIndex, args });
    });
  }

  /**
   * The worker that starts a call runs it first, so prefer one that is idle (waiting for work); otherwise take
   * turns. A call sent to a busy worker waits until that worker's running thread yields.
   */
  private pickWorker(): number {
    const n = this.workers.length;
    const flags = new Int32Array(this.memory.buffer, 0, (WORKER_STATS + n * WORKER_STATS_STRIDE) >> 2);
    for (let k = 0; k < n; k++) {
      const i = (this.nextWorker + k) % n;
      if (Atomics.load(flags, (WORKER_STATS + i * WORKER_STATS_STRIDE + WS_IDLE) >> 2) === 1) {
        this.nextWorker = i + 1;
        return i;
      }
    }
    return this.nextWorker++ % n;
  }

  /** Bytes in use on the shared heap, read directly from shared memory. */
  memoryStats(): MemoryStats {
    return readMemoryStats(this.memory, this.workers.length);
  }

  /**
   * Runs a garbage collection and resolves when it is over. The collection starts when every worker has reached a
   * scheduling point (a thread that computes without yielding delays it); idle workers are woken to run it.
   */
  async collect(): Promise<void> {
    if (this.closed) throw new RuntimeClosedError("cannot collect: the runtime is closed");
    if (this.broken) throw new RuntimeClosedError(`cannot collect: ${this.broken}`);
    const header = new Int32Array(this.memory.buffer, 0, 1024);
    const count = () => Atomics.load(header, GC_COUNT >> 2);
    const request = () => {
      Atomics.compareExchange(header, GC_STATE >> 2, 0, 1);
      // Idle workers sleep on the wake word; the one that wakes runs the collection at its first scheduling point.
      Atomics.add(header, WAKE_EPOCH >> 2, 1);
      Atomics.notify(header, WAKE_EPOCH >> 2);
    };
    const before = count();
    const running = Atomics.load(header, GC_STATE >> 2) === 2;
    // Atomics.waitAsync alone does not keep the process alive; the workers do while we wait.
    this.setKeepAlive(true);
    try {
      request();
      // A collection that began after this call: the second one if one was running already.
      const target = running ? before + 2 : before + 1;
      while (count() - target < 0) {
        if (this.broken) throw new RuntimeClosedError(`collection lost: ${this.broken}`);
        const seen = count();
        if (Atomics.load(header, GC_STATE >> 2) === 0) request(); // the one before ours has just finished
        const waited = Atomics.waitAsync(header, GC_COUNT >> 2, seen, 50);
        if (waited.async) await waited.value;
        else await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      if (this.pending.size === 0) this.setKeepAlive(false);
    }
  }

  /** Scheduler counters, read directly from shared memory. */
  schedulerStats(): SchedulerStats {
    return readSchedulerStats(this.memory, this.workers.length);
  }

  /**
   * Waits for the calls in flight, then stops the workers. Threads that outlive every call (spawned into a group
   * nobody joins) are stopped with them. Calls made after `close()` reject.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.closing = (async () => {
      if (this.pending.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      await Promise.all(this.workers.map((w) => w.terminate()));
    })();
    return this.closing;
  }

  private onMessage(index: number, message: FromWorker): void {
    switch (message.type) {
      case "result": {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else {
          const where = message.thread ? `thread ${message.thread} (root of "${call.name}")` : `call "${call.name}"`;
          call.reject(new ThreadFailure(`${where} failed: ${message.reason}`, call.name, message.thread ?? 0, message.reason ?? ""));
        }
        if (this.pending.size === 0) this.settled();
        return;
      }
      case "fatal":
        this.breakDown(`worker ${index} failed: ${message.message}`);
        return;
      default:
        return;
    }
  }

  private onWorkerDied(index: number, reason: string): void {
    this.breakDown(`worker ${index} died: ${reason}`);
  }

  /** The runtime cannot go on: reject every call in flight and refuse new ones. */
  private breakDown(reason: string): void {
    this.broken ??= reason;
    for (const call of this.pending.values()) call.reject(new RuntimeClosedError(`call "${call.name}" lost: ${reason}`));
    this.pending.clear();
    this.settled();
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

async function defaultWorkers(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = nav?.hardwareConcurrency ?? (await import("node:os")).availableParallelism();
  return Math.min(MAX_WORKERS, Math.max(1, cores));
}
