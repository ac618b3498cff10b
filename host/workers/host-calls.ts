// The worker's side of host calls (guest side: wasm/io/call.ts, record layout: wasm/io/record.ts). The guest calls
// the `vthreads.host_start` import with a record; this starts the named JS function right here, in the worker that
// runs the calling thread (no hop to the main thread), and returns at once. A plain return value is written back
// before returning (the thread does not park); a promise is remembered, and when it settles (in this worker's event
// loop, between `__vt_run` slices) its value is written into the record and the thread is woken.
//
// Cancellation: a cancelled thread marks its record RS_CANCELLED and bumps this worker's counter in shared memory
// (WS_HOST_CANCELS); `checkCancels` (called every pump, O(1) when nothing was cancelled) aborts those calls.

import {
  R_STATE, R_NAME, R_ARGC, R_SINCE, R_RES_TAG, R_RES_BITS, R_ARGS, VALUE_SIZE, VALUE_TAG, VALUE_BITS, BYTES_DATA, LIST_ENTRIES,
  RS_OK, RS_FAILED, RS_CANCELLED, TAG_VOID, TAG_I32, TAG_F64, TAG_I64, TAG_BOOL, TAG_STR, TAG_BYTES, TAG_LIST,
  VIEW_DATA_START, VIEW_BYTE_LENGTH, OBJECT_RT_SIZE_BACK,
} from "../abi/layout.js";
import type { SharedState } from "../abi/shared-state.js";

/** A host function: any JS function of numbers, bigints, booleans, strings and bytes, sync or async. */
export type HostFunction = (...args: never[]) => unknown;

interface HostCallExports {
  __vt_string(units: number): number;
  __vt_alloc(size: number): number;
  __vt_host_settle(rec: number, state: number): number;
  __vt_host_drop(rec: number): void;
  __vt_mutator_enter(): void;
  __vt_mutator_leave(): void;
}

class OutOfMemory extends Error {}

interface InFlight {
  /** Aborts the JS side; null when the function takes no AbortSignal. */
  controller: AbortController | null;
}

export class HostCalls {
  /**
   * Calls whose promise has not settled, by record address. The entry is the call's identity: once a call is
   * aborted its record may be freed and reused by a new call at the same address before the old promise settles.
   */
  private readonly inFlight = new Map<number, InFlight>();
  private seenCancels = 0;
  private buffer: ArrayBufferLike | null = null;
  private grownSeen = -1;
  private view!: DataView;
  private u16!: Uint16Array;
  private i32!: Int32Array;
  /** Function names by the address of their String (verified on every use: an address may be reused). */
  private readonly names = new Map<number, string>();

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly exports: HostCallExports,
    private readonly functions: Map<string, HostFunction>,
    private readonly shared: SharedState,
    private readonly workerIndex: number,
  ) {}

  /** Host calls this worker has started that have not settled. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** The `vthreads.host_start` import. Never throws into the guest: every failure is written as the call's error. */
  readonly start = (rec: number): number => {
    const v = this.views();
    const name = this.name(v.getUint32(rec + R_NAME, true));
    const fn = this.functions.get(name);
    if (!fn) return this.finishNow(rec, RS_FAILED, `no host function "${name}" (${this.known()})`);
    const argc = v.getInt32(rec + R_ARGC, true);
    const args: unknown[] = new Array(argc);
    for (let i = 0; i < argc; i++) args[i] = this.readArg(rec + R_ARGS + i * VALUE_SIZE);
    // The AbortSignal goes only to functions that declare a parameter for it: creating one costs microseconds.
    const controller = fn.length > argc ? new AbortController() : null;
    if (controller) args.push(controller.signal);
    let result: unknown;
    try {
      result = (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      return this.finishNow(rec, RS_FAILED, message(e));
    }
    if (!isThenable(result)) return this.finishNow(rec, RS_OK, result);
    // Only now is `since` worth reading the clock for (the dump shows it); the same clock as `vthreads.now`.
    this.view.setFloat64(rec + R_SINCE, performance.timeOrigin + performance.now(), true);
    const call: InFlight = { controller };
    this.inFlight.set(rec, call);
    this.shared.hostCallStarted();
    result.then(
      (value) => this.settle(rec, call, RS_OK, value),
      (error) => this.settle(rec, call, RS_FAILED, message(error)),
    );
    return 0;
  };

  /** Whether a call of ours was cancelled since the last `checkCancels` (a worker about to sleep must look first). */
  cancelsWaiting(): boolean {
    return this.shared.hostCancels(this.workerIndex) !== this.seenCancels;
  }

  /** Aborts the calls whose threads were cancelled. Cheap when none was: one atomic load. */
  checkCancels(): void {
    const n = this.shared.hostCancels(this.workerIndex);
    if (n === this.seenCancels) return;
    this.seenCancels = n;
    this.views();
    const aborted: (AbortController | null)[] = [];
    // Outside __vt_run: freeing a record touches the heap, so no collection may run meanwhile.
    this.exports.__vt_mutator_enter();
    try {
      for (const [rec, { controller }] of this.inFlight) {
        if (Atomics.load(this.i32, (rec + R_STATE) >> 2) !== RS_CANCELLED) continue;
        this.inFlight.delete(rec);
        this.exports.__vt_host_drop(rec);
        aborted.push(controller);
      }
    } finally {
      this.exports.__vt_mutator_leave();
    }
    for (const controller of aborted) controller?.abort(new Error("the calling virtual thread was cancelled"));
  }

  /** A promise settled: write the value and wake the thread (unless the call was aborted meanwhile). */
  private settle(rec: number, call: InFlight, state: number, value: unknown): void {
    if (this.inFlight.get(rec) !== call) return; // aborted: the record is no longer this call's
    this.inFlight.delete(rec);
    // Outside __vt_run (a promise reaction): the result's string or bytes are new heap objects that only the record
    // will reference, so no collection may run until they are written into it.
    this.exports.__vt_mutator_enter();
    try {
      this.settleLocked(rec, state, value);
    } finally {
      this.exports.__vt_mutator_leave();
    }
  }

  private settleLocked(rec: number, state: number, value: unknown): void {
    this.views();
    if (Atomics.load(this.i32, (rec + R_STATE) >> 2) === RS_CANCELLED) {
      this.exports.__vt_host_drop(rec);
      return;
    }
    try {
      this.writeValue(rec + R_RES_TAG, state === RS_OK ? value : String(value), rec);
    } catch (e) {
      state = RS_FAILED;
      this.writeError(rec, message(e));
    }
    this.exports.__vt_host_settle(rec, state);
  }

  /** The function returned at once: write its value (or error) and let the guest read it without parking. */
  private finishNow(rec: number, state: number, value: unknown): number {
    try {
      this.writeValue(rec + R_RES_TAG, value, rec);
    } catch (e) {
      state = RS_FAILED;
      this.writeError(rec, message(e));
    }
    this.views().setInt32(rec + R_STATE, state, true);
    return 1;
  }

  private writeError(rec: number, text: string): void {
    try {
      this.writeValue(rec + R_RES_TAG, text, rec);
    } catch {
      this.views().setInt32(rec + R_RES_TAG, TAG_VOID, true); // no memory even for the message: a generic one
      this.views().setBigUint64(rec + R_RES_BITS, 0n, true);
    }
  }

  /** Writes a JS value as {tag i32, pad, bits u64} at `at`. */
  private writeValue(at: number, value: unknown, rec: number): void {
    let tag: number, bits: bigint | number = 0, isFloat = false;
    if (value === undefined || value === null) tag = TAG_VOID;
    else if (typeof value === "number") { tag = TAG_F64; bits = value; isFloat = true; }
    else if (typeof value === "boolean") { tag = TAG_BOOL; bits = value ? 1 : 0; }
    else if (typeof value === "bigint") { tag = TAG_I64; bits = BigInt.asUintN(64, value); }
    else if (typeof value === "string") { tag = TAG_STR; bits = this.allocString(value); }
    else if (value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      tag = TAG_BYTES; bits = this.allocBytes(value);
    } else if (Array.isArray(value)) { tag = TAG_LIST; bits = this.allocList(value, rec); }
    else throw new TypeError(`host function "${this.nameOf(rec)}" returned an unsupported value (${describe(value)}): ` +
      "return a number, bigint, boolean, string, Uint8Array, an array of those, or nothing");
    const v = this.views();
    v.setInt32(at + VALUE_TAG, tag, true);
    if (isFloat) v.setFloat64(at + VALUE_BITS, bits as number, true);
    else v.setBigUint64(at + VALUE_BITS, BigInt(bits), true);
  }

  private allocString(text: string): number {
    const ptr = this.exports.__vt_string(text.length);
    if (ptr === 0) throw new OutOfMemory("out of memory: cannot pass a host call's string result");
    const u16 = this.views() && this.u16;
    for (let i = 0; i < text.length; i++) u16[(ptr >> 1) + i] = text.charCodeAt(i);
    return ptr;
  }

  private allocBytes(value: ArrayBuffer | ArrayBufferView): number {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const ptr = this.exports.__vt_alloc(BYTES_DATA + bytes.length);
    if (ptr === 0) throw new OutOfMemory("out of memory: cannot pass a host call's bytes result");
    const v = this.views();
    v.setUint32(ptr, bytes.length, true);
    new Uint8Array(v.buffer, ptr + BYTES_DATA, bytes.length).set(bytes);
    return ptr;
  }

  private allocList(values: unknown[], rec: number): number {
    const ptr = this.exports.__vt_alloc(LIST_ENTRIES + values.length * VALUE_SIZE);
    if (ptr === 0) throw new OutOfMemory("out of memory: cannot pass a host call's array result");
    this.views().setUint32(ptr, values.length, true);
    values.forEach((value, i) => this.writeValue(ptr + LIST_ENTRIES + i * VALUE_SIZE, value, rec));
    return ptr;
  }

  private readArg(at: number): unknown {
    const v = this.views();
    const bits = at + VALUE_BITS;
    switch (v.getInt32(at + VALUE_TAG, true)) {
      case TAG_I32: return v.getInt32(bits, true);
      case TAG_F64: return v.getFloat64(bits, true);
      case TAG_I64: return v.getBigInt64(bits, true);
      case TAG_BOOL: return v.getUint32(bits, true) !== 0;
      case TAG_STR: return this.readString(v.getUint32(bits, true));
      case TAG_BYTES: {
        const arr = v.getUint32(bits, true);
        const start = v.getUint32(arr + VIEW_DATA_START, true), length = v.getUint32(arr + VIEW_BYTE_LENGTH, true);
        return new Uint8Array(v.buffer, start, length).slice(); // a copy: the guest's array may change or go away
      }
      default: return undefined;
    }
  }

  private readString(ptr: number): string {
    if (ptr === 0) return "";
    const units = this.view.getUint32(ptr - OBJECT_RT_SIZE_BACK, true) >>> 1;
    const first = ptr >> 1;
    if (units < 64) {
      let s = "";
      for (let i = 0; i < units; i++) s += String.fromCharCode(this.u16[first + i]);
      return s;
    }
    let s = "";
    for (let i = 0; i < units; i += 8192) {
      s += String.fromCharCode(...this.u16.slice(first + i, first + Math.min(units, i + 8192)));
    }
    return s;
  }

  /** A function name, from the cache when the String at `ptr` still holds it. */
  private name(ptr: number): string {
    const cached = this.names.get(ptr);
    if (cached !== undefined && this.holds(ptr, cached)) return cached;
    const name = this.readString(ptr);
    if (this.names.size > 4096) this.names.clear();
    this.names.set(ptr, name);
    return name;
  }

  private holds(ptr: number, text: string): boolean {
    if (this.view.getUint32(ptr - OBJECT_RT_SIZE_BACK, true) !== text.length * 2) return false;
    const first = ptr >> 1;
    for (let i = 0; i < text.length; i++) if (this.u16[first + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  private nameOf(rec: number): string {
    return this.readString(this.views().getUint32(rec + R_NAME, true));
  }

  private known(): string {
    const user = [...this.functions.keys()].filter((n) => !n.startsWith("vt."));
    return user.length ? `host functions: ${user.join(", ")}` : "no hostModule was given to Runtime.start";
  }

  /**
   * Views of the memory, renewed after it grows. `memory.buffer` costs ~70 ns in a worker, more than the rest of a
   * call's bookkeeping: read the shared growth counter instead, and the buffer only when it moved.
   */
  private views(): DataView {
    const grown = this.shared.growCount();
    if (grown === this.grownSeen && this.buffer !== null) return this.view;
    this.grownSeen = grown;
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.view = new DataView(buffer);
      this.u16 = new Uint16Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
    return this.view;
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === "object" || typeof x === "function") && typeof (x as { then?: unknown }).then === "function";
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function describe(v: unknown): string {
  if (typeof v === "object" && v !== null) return (v as object).constructor?.name ?? "object";
  return typeof v;
}
