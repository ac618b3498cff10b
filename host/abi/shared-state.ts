// The host's typed view of the state all workers share in memory: the header at fixed addresses and the per-worker
// counters (layout.ts names every word). The main thread (Runtime) and each worker read and change it through these
// methods instead of indexing the memory themselves, so every atomic word is read atomically and every state word is
// compared with its name.
//
// The header lies below the static data and never moves: views made once stay valid when the memory grows (a shared
// memory's buffer grows in place). Records on the heap (a group, a deque) are read through a view of the current
// buffer, made when needed.

import * as L from "./layout.js";

/** A per-worker counter's width (layout.ts says which each WS_ field is). */
export type CounterType = "i32" | "i64";

export class SharedState {
  /** The header and the per-worker counters, as i32 words. */
  private readonly words: Int32Array;
  /** The same bytes, for the 64-bit and floating-point words (read without atomics: statistics only). */
  private readonly bytes: DataView;

  constructor(readonly memory: WebAssembly.Memory) {
    this.words = new Int32Array(memory.buffer, 0, L.MEMORY_BASE >> 2);
    this.bytes = new DataView(memory.buffer, 0, L.MEMORY_BASE);
  }

  // --- any word, by its layout name (statistics read many of them)

  /** The u32 word at header address `at` (atomic). */
  u32(at: number): number {
    return Atomics.load(this.words, at >> 2) >>> 0;
  }

  /** The i32 word at header address `at` (atomic). */
  i32(at: number): number {
    return Atomics.load(this.words, at >> 2);
  }

  /** The u64 word at header address `at`, as a number. */
  u64(at: number): number {
    return Number(this.bytes.getBigUint64(at, true));
  }

  /** The f64 at header address `at`. */
  f64(at: number): number {
    return this.bytes.getFloat64(at, true);
  }

  // --- boot

  /** The layout version the module's runtime was built with (LAYOUT_ABI when the host matches). */
  abiVersion(): number {
    return this.u32(L.ABI_VERSION);
  }

  workersBooted(): number {
    return this.u32(L.WORKERS_BOOTED);
  }

  /** Before the workers boot: the allocator reads it from the first allocation on. */
  disableGc(): void {
    Atomics.store(this.words, L.GC_DISABLED >> 2, 1);
  }

  gcEnabled(): boolean {
    return this.i32(L.GC_DISABLED) === 0;
  }

  // --- the collector (Runtime.collect asks for a collection; idle workers look at it before they sleep)

  gcState(): number {
    return this.u32(L.GC_STATE);
  }

  /** A collection has begun and has not finished (it works in steps, one per pause, the workers running between). */
  gcUnderway(): boolean {
    return this.u32(L.GC_MARKING) !== 0 || this.u32(L.GC_SWEEPING) !== 0;
  }

  /** A collection is requested and no worker has started it yet. */
  gcRequested(): boolean {
    return this.gcState() === L.GC_REQUESTED;
  }

  /** Requests a collection unless one is requested or running; returns whether this call requested it. */
  requestCollection(): boolean {
    return Atomics.compareExchange(this.words, L.GC_STATE >> 2, L.GC_IDLE, L.GC_REQUESTED) === L.GC_IDLE;
  }

  /** Collections completed. */
  gcCount(): number {
    return this.i32(L.GC_COUNT);
  }

  /** Resolves when the collection count moves from `seen`, or after `timeoutMs`. */
  async waitForGcCount(seen: number, timeoutMs: number): Promise<void> {
    const waited = Atomics.waitAsync(this.words, L.GC_COUNT >> 2, seen, timeoutMs);
    if (waited.async) await waited.value;
    else await new Promise((resolve) => setTimeout(resolve, 0));
  }

  // --- waking idle workers (they wait on the wake word)

  wakeEpoch(): number {
    return this.i32(L.WAKE_EPOCH);
  }

  /** Something may be runnable, or a collection is wanted: every idle worker looks again. */
  wakeWorkers(): void {
    Atomics.add(this.words, L.WAKE_EPOCH >> 2, 1);
    Atomics.notify(this.words, L.WAKE_EPOCH >> 2);
  }

  /** Waits (without blocking) until the wake word moves from `epoch`, or `timeoutMs` passes. */
  waitForWake(epoch: number, timeoutMs: number): ReturnType<typeof Atomics.waitAsync> {
    return Atomics.waitAsync(this.words, L.WAKE_EPOCH >> 2, epoch, timeoutMs);
  }

  /** A worker is going to sleep (a push that sees SLEEPERS > 0 bumps the wake word), or has stopped sleeping. */
  addSleeper(delta: 1 | -1): void {
    Atomics.add(this.words, L.SLEEPERS >> 2, delta);
  }

  // --- a worker's counters

  private counterAt(worker: number, field: number): number {
    return L.WORKER_STATS + worker * L.WORKER_STATS_STRIDE + field;
  }

  /** Worker `worker`'s counter `field` (a WS_ offset), written by that worker without atomics: may be stale. */
  counter(worker: number, field: number, type: CounterType): number {
    const at = this.counterAt(worker, field);
    return type === "i64" ? Number(this.bytes.getBigInt64(at, true)) : this.bytes.getInt32(at, true);
  }

  /** Threads started or resumed on any booted worker: unchanged between two readings means nothing ran. */
  totalSwitches(): number {
    let n = 0;
    for (let i = 0, workers = this.workersBooted(); i < workers; i++) n += this.counter(i, L.WS_SWITCHES, "i64");
    return n;
  }

  /** IDLE_NO, IDLE_WAITING or IDLE_PINNED. */
  idle(worker: number): number {
    return this.i32(this.counterAt(worker, L.WS_IDLE));
  }

  setIdle(worker: number, value: typeof L.IDLE_NO | typeof L.IDLE_WAITING): void {
    Atomics.store(this.words, this.counterAt(worker, L.WS_IDLE) >> 2, value);
  }

  /** Host calls of `worker` whose thread was cancelled, so far (any worker adds; `worker` aborts them). */
  hostCancels(worker: number): number {
    return this.i32(this.counterAt(worker, L.WS_HOST_CANCELS));
  }

  /** A host call went in flight: the deadlock checks do not count its thread as stuck. */
  hostCallStarted(): void {
    Atomics.add(this.words, L.HOST_CALLS_PENDING >> 2, 1);
  }

  /** Times the memory has grown (a worker renews its views of the buffer when it moves). */
  growCount(): number {
    return this.i32(L.GROW_COUNT);
  }

  // --- JSPI stacks (counted across the runtime: a process dies beyond some tens of thousands)

  setJspiStackLimit(limit: number): void {
    Atomics.store(this.words, L.JSPI_STACK_LIMIT >> 2, limit);
  }

  jspiStackLimit(): number {
    return this.i32(L.JSPI_STACK_LIMIT);
  }

  /** Counts a JSPI stack in (1) or out (-1); returns the count before. */
  addJspiStack(delta: 1 | -1): number {
    return Atomics.add(this.words, L.JSPI_STACKS >> 2, delta);
  }

  // --- the default (background) group

  /** The background group's live-children word, to wait on; null when the runtime has none. */
  backgroundLive(): Int32Array | null {
    const group = this.u32(L.DEFAULT_GROUP);
    return group === 0 ? null : new Int32Array(this.memory.buffer, group + L.GROUP_LIVE, 1);
  }

  // --- run queues

  /** Threads in the workers' deques (snapshots: each may be stale by the time it is read). */
  dequeLengths(): number {
    const heap = new Uint32Array(this.memory.buffer);
    let total = 0;
    for (let i = 0, limit = this.u32(L.DEQUE_LIMIT); i < limit; i++) {
      const d = this.u32(L.DEQUES + i * Uint32Array.BYTES_PER_ELEMENT); // worker i's deque
      // Past the end of `heap`: a view older than the memory's last growth.
      if (d === 0 || d + L.DEQUE_TAIL + Uint32Array.BYTES_PER_ELEMENT > heap.byteLength) continue;
      // Two reads, not one snapshot: a pair read across a push or a steal is off by what moved in between, and a
      // thief's pending claim can put the tail below the head for a moment (counted as empty).
      const length = (Atomics.load(heap, (d + L.DEQUE_TAIL) >> 2) - Atomics.load(heap, (d + L.DEQUE_HEAD) >> 2)) | 0;
      total += Math.max(0, length);
    }
    return total;
  }
}
