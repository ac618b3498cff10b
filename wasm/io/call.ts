// Calling a host (JS) function as a plain blocking call: `callHost("name", args)` parks the calling virtual thread
// until the function's promise settles; its worker runs other threads meanwhile, and the thread may resume on
// another worker. A function that returns a plain value (not a promise) completes without parking.
//
// The JS side (host/workers/host-calls.ts) reads the arguments while `hostStart` runs, so they need to live only
// for that call. A rejection fails the calling thread with the error's message; cancelling the thread aborts the
// call (the JS function's AbortSignal fires).

import { current, workerIndex } from "../scheduler/local";
import { W_HOST, isCancelled } from "../scheduler/thread";
import { waitIn } from "../scheduler/waitq";
import { WAKE_GRANTED, WORKER_STATS, WAKE_EPOCH, WS_HOST_CANCELS, VALUE_TAG, VALUE_BITS, BYTES_DATA, LIST_ENTRIES,
         WORKER_STATS_STRIDE }
  from "../memory/layout";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { heapAlloc, heapFree } from "../memory/heap";
import { lock, unlock } from "../memory/spinlock";
import {
  R_LOCK, R_QUEUE, R_STATE, R_REFS, R_NAME, R_OWNER, R_ARGC, R_RES_TAG, R_RES_BITS, R_ARGS, VALUE_SIZE,
  RS_PENDING, RS_OK, RS_CANCELLED, TAG_ERROR, TAG_VOID, TAG_I32, TAG_F64, TAG_I64, TAG_BOOL, TAG_STR, TAG_BYTES, TAG_LIST,
  freeValue, releaseRecord,
} from "./record";

/** Starts the JS function named in the record. Returns 1 when it already returned (result written), 0 when pending. */
// @ts-ignore: decorator
@external("vthreads", "host_start")
declare function hostStart(rec: usize): i32;

/** The arguments of a host call, built fluently: `HostArgs.of().str(url).i32(3)`. */
export class HostArgs {
  /** Tag, bits, tag, bits, ... (one array: fewer allocations per call). */
  entries: u64[] = [];
  /** Keeps the Strings and byte arrays passed alive while the call starts (null until there is one). */
  objects: Object[] | null = null;

  static of(): HostArgs {
    return new HostArgs();
  }

  get length(): i32 {
    return this.entries.length >> 1;
  }

  i32(v: i32): HostArgs { return this.add(TAG_I32, <u64><i64>v); }
  f64(v: f64): HostArgs { return this.add(TAG_F64, reinterpret<u64>(v)); }
  i64(v: i64): HostArgs { return this.add(TAG_I64, <u64>v); }
  bool(v: bool): HostArgs { return this.add(TAG_BOOL, v ? 1 : 0); }
  str(v: string): HostArgs {
    this.keep(v);
    return this.add(TAG_STR, <u64>changetype<usize>(v));
  }
  /** Bytes (a Uint8Array; the JS function receives a copy). */
  bytes(v: Uint8Array): HostArgs {
    this.keep(v);
    return this.add(TAG_BYTES, <u64>changetype<usize>(v));
  }

  private keep(o: Object): void {
    let objects = this.objects;
    if (objects == null) this.objects = objects = [];
    objects.push(o);
  }

  private add(tag: i32, bits: u64): HostArgs {
    this.entries.push(<u64>tag);
    this.entries.push(bits);
    return this;
  }
}

/** What a host function returned: read it with the getter of the type you expect (a mismatch fails the thread). */
export class HostValue {
  constructor(
    /** The value's kind: TAG_* of io/record.ts (0 undefined/null, 1 i32, 2 number, 3 bigint, 4 boolean, 5 string, 6 bytes, 7 array). */
    readonly tag: i32,
    private readonly num: u64,
    private readonly ref: Object | null,
    private readonly fn: string,
  ) {}

  get isVoid(): bool { return this.tag == TAG_VOID; }

  /** From `tryCallHost`: the function threw or rejected (`error` says why); every getter then fails the thread. */
  get failed(): bool { return this.tag == TAG_ERROR; }

  /** The error's message when `failed`, else "". */
  get error(): string {
    return this.tag == TAG_ERROR ? changetype<string>(this.ref) : "";
  }

  /** A JS number (or boolean) as i32 (truncated). */
  i32(): i32 {
    if (this.tag == TAG_F64) return <i32><i64>reinterpret<f64>(this.num);
    if (this.tag == TAG_I32 || this.tag == TAG_BOOL || this.tag == TAG_I64) return <i32>this.num;
    return <i32>this.mismatch("a number");
  }
  f64(): f64 {
    if (this.tag == TAG_F64) return reinterpret<f64>(this.num);
    if (this.tag == TAG_I32) return <f64><i32>this.num;
    if (this.tag == TAG_I64) return <f64><i64>this.num;
    return <f64>this.mismatch("a number");
  }
  /** A JS bigint (or an integral number) as i64. */
  i64(): i64 {
    if (this.tag == TAG_I64 || this.tag == TAG_I32) return <i64>this.num;
    if (this.tag == TAG_F64) return <i64>reinterpret<f64>(this.num);
    return this.mismatch("a bigint");
  }
  bool(): bool {
    if (this.tag == TAG_BOOL) return this.num != 0;
    return this.mismatch("a boolean") != 0;
  }
  str(): string {
    if (this.tag == TAG_STR) return changetype<string>(this.ref);
    this.mismatch("a string");
    return "";
  }
  /** A Uint8Array, ArrayBuffer or other typed array, as bytes. */
  bytes(): Uint8Array {
    if (this.tag == TAG_BYTES) return changetype<Uint8Array>(this.ref);
    this.mismatch("bytes");
    return new Uint8Array(0);
  }
  /** The elements of a returned JS array. */
  get length(): i32 {
    return this.tag == TAG_LIST ? changetype<HostValue[]>(this.ref).length : 0;
  }
  at(i: i32): HostValue {
    if (this.tag != TAG_LIST) this.mismatch("an array");
    const list = changetype<HostValue[]>(this.ref);
    if (i < 0 || i >= list.length) {
      failCurrent("host function \"" + this.fn + "\" returned " + list.length.toString() + " values, wanted value " + i.toString());
    }
    return list[i];
  }

  private mismatch(wanted: string): i64 {
    if (this.tag == TAG_ERROR) failCurrent(changetype<string>(this.ref));
    failCurrent("host function \"" + this.fn + "\" returned " + tagName(this.tag) + ", expected " + wanted);
    return 0;
  }
}

function tagName(tag: i32): string {
  switch (tag) {
    case TAG_VOID: return "nothing";
    case TAG_I32: case TAG_F64: return "a number";
    case TAG_I64: return "a bigint";
    case TAG_BOOL: return "a boolean";
    case TAG_STR: return "a string";
    case TAG_BYTES: return "bytes";
    case TAG_LIST: return "an array";
    case TAG_ERROR: return "an error";
  }
  return "an unknown value";
}

// @ts-ignore: decorator
@lazy const NO_ARGS = new HostArgs();

/**
 * Calls the host function `name` (exported by the runtime's `hostModule`, or a built-in) and blocks this virtual
 * thread until it settles. Fails the thread with the error's message if it rejects; ends the thread if it is
 * cancelled meanwhile (the JS function's AbortSignal fires).
 */
export function callHost(name: string, args: HostArgs | null = null): HostValue {
  return call(name, args, true);
}

/**
 * `callHost` that lets the caller handle a rejection: the result's `failed` and `error` say whether and why the
 * function threw or rejected. (AssemblyScript has no exceptions to catch.) Cancellation still ends the thread.
 */
export function tryCallHost(name: string, args: HostArgs | null = null): HostValue {
  return call(name, args, false);
}

function call(name: string, args: HostArgs | null, failOnError: bool): HostValue {
  const a = args != null ? args : NO_ARGS;
  const argc = a.length;
  const rec = hostCallRecord(name, argc);
  const entries = a.entries;
  for (let i = 0; i < argc; i++) hostCallArg(rec, i, <i32>unchecked(entries[i << 1]), unchecked(entries[(i << 1) + 1]));
  hostCallRun(rec, name, failOnError);
  if (lastTag == TAG_ERROR) return new HostValue(TAG_ERROR, 0, changetype<string>(<usize>lastBits), name);
  return valueOf(name, lastTag, lastBits);
}

// The low-level steps, which the wrappers the toolchain generates for `@external("host", ...)` declarations call
// directly (host/toolchain/entry.ts): no HostArgs and no HostValue, so a call of numbers allocates nothing that
// outlives it.

/** The raw result of the host call this worker completed last. Read at once: no suspension in between. */
let lastTag: i32 = TAG_VOID;
let lastBits: u64 = 0; // per worker

/** Step 1: a record for a call of `name` with `argc` arguments (ends a cancelled thread). */
export function hostCallRecord(name: string, argc: i32): usize {
  const t = current;
  requireThread("a host call");
  if (isCancelled(t)) exitCancelled();
  const rec = heapAlloc(R_ARGS + <usize>argc * VALUE_SIZE);
  if (rec == 0) failCurrent("out of memory: cannot start host call \"" + name + "\"");
  memory.fill(rec, 0, R_ARGS);
  store<i32>(rec, 2, R_REFS);
  store<usize>(rec, changetype<usize>(name), R_NAME);
  store<u32>(rec, workerIndex, R_OWNER);
  store<i32>(rec, argc, R_ARGC);
  return rec;
}

/** Step 2: argument `i` (a String or Uint8Array argument must stay alive until step 3 returns). */
// @ts-ignore: decorator
@inline export function hostCallArg(rec: usize, i: i32, tag: i32, bits: u64): void {
  const e = rec + R_ARGS + <usize>i * VALUE_SIZE;
  store<i32>(e, tag, VALUE_TAG);
  store<u64>(e, bits, VALUE_BITS);
}

/** Step 3: starts the call and blocks until it settles; the raw result is then in lastTag/lastBits. */
export function hostCallRun(rec: usize, name: string, failOnError: bool = true): void {
  if (hostStart(rec) != 0) {
    // Returned at once: the JS side wrote the result and let go of the record.
    const state = load<i32>(rec, R_STATE);
    const tag = load<i32>(rec, R_RES_TAG), bits = load<u64>(rec, R_RES_BITS);
    heapFree(rec);
    settled(name, state, tag, bits, failOnError);
    return;
  }
  lock(rec + R_LOCK);
  if (load<i32>(rec, R_STATE) == RS_PENDING) {
    if (waitIn(rec + R_LOCK, rec + R_QUEUE, W_HOST, rec) != WAKE_GRANTED) {
      lock(rec + R_LOCK);
      if (load<i32>(rec, R_STATE) == RS_PENDING) {
        atomic.store<i32>(rec + R_STATE, RS_CANCELLED);
        unlock(rec + R_LOCK);
        signalCancel(load<u32>(rec, R_OWNER));
      } else {
        unlock(rec + R_LOCK); // it settled meanwhile: the result is not wanted any more
        freeValue(load<i32>(rec, R_RES_TAG), load<u64>(rec, R_RES_BITS));
      }
      releaseRecord(rec);
      exitCancelled();
    }
  } else {
    unlock(rec + R_LOCK);
  }
  const state = load<i32>(rec, R_STATE);
  const tag = load<i32>(rec, R_RES_TAG), bits = load<u64>(rec, R_RES_BITS);
  releaseRecord(rec);
  settled(name, state, tag, bits, failOnError);
}

/** Keeps a settled call's value, or fails the thread with the rejection's message. */
function settled(name: string, state: i32, tag: i32, bits: u64, failOnError: bool): void {
  if (state != RS_OK) {
    const message = tag == TAG_STR && bits != 0 ? changetype<string>(<usize>bits) : "host function \"" + name + "\" failed";
    if (failOnError) failCurrent(message);
    lastTag = TAG_ERROR;
    lastBits = <u64>changetype<usize>(message);
    return;
  }
  lastTag = tag;
  lastBits = bits;
}

// Step 4, typed: the last result as the type the declaration gives (a mismatch fails the thread).

export function hostResultI32(name: string): i32 {
  const tag = lastTag, bits = lastBits;
  if (tag == TAG_F64) return <i32><i64>reinterpret<f64>(bits);
  if (tag == TAG_I32 || tag == TAG_BOOL || tag == TAG_I64) return <i32>bits;
  return <i32>resultMismatch(name, tag, bits, "a number");
}

export function hostResultF64(name: string): f64 {
  const tag = lastTag, bits = lastBits;
  if (tag == TAG_F64) return reinterpret<f64>(bits);
  if (tag == TAG_I32) return <f64><i32>bits;
  if (tag == TAG_I64) return <f64><i64>bits;
  return <f64>resultMismatch(name, tag, bits, "a number");
}

export function hostResultI64(name: string): i64 {
  const tag = lastTag, bits = lastBits;
  if (tag == TAG_I64 || tag == TAG_I32) return <i64>bits;
  if (tag == TAG_F64) return <i64>reinterpret<f64>(bits);
  return resultMismatch(name, tag, bits, "a bigint");
}

export function hostResultBool(name: string): bool {
  if (lastTag == TAG_BOOL) return lastBits != 0;
  return resultMismatch(name, lastTag, lastBits, "a boolean") != 0;
}

export function hostResultStr(name: string): string {
  if (lastTag == TAG_STR) return changetype<string>(<usize>lastBits);
  resultMismatch(name, lastTag, lastBits, "a string");
  return "";
}

export function hostResultBytes(name: string): Uint8Array {
  if (lastTag == TAG_BYTES) return valueOf(name, lastTag, lastBits).bytes();
  resultMismatch(name, lastTag, lastBits, "bytes");
  return new Uint8Array(0);
}

/** A declaration returning void: whatever came back is dropped. */
export function hostResultVoid(): void {
  if (lastTag == TAG_BYTES || lastTag == TAG_LIST) freeValue(lastTag, lastBits);
}

function resultMismatch(name: string, tag: i32, bits: u64, wanted: string): i64 {
  if (tag == TAG_BYTES || tag == TAG_LIST) freeValue(tag, bits);
  failCurrent("host function \"" + name + "\" returned " + tagName(tag) + ", expected " + wanted);
  return 0;
}

/** Converts a raw value the JS side wrote into guest objects, freeing the raw blocks. */
function valueOf(name: string, tag: i32, bits: u64): HostValue {
  const p = <usize>bits;
  if (tag == TAG_STR) return new HostValue(tag, 0, changetype<string>(p), name);
  if (tag == TAG_BYTES) {
    const n = load<u32>(p);
    const out = new Uint8Array(n);
    memory.copy(out.dataStart, p + BYTES_DATA, n);
    heapFree(p);
    return new HostValue(tag, 0, out, name);
  }
  if (tag == TAG_LIST) {
    const n = load<u32>(p);
    const list = new Array<HostValue>(n);
    for (let i: u32 = 0; i < n; i++) {
      const e = p + LIST_ENTRIES + <usize>i * VALUE_SIZE;
      unchecked(list[i] = valueOf(name, load<i32>(e, VALUE_TAG), load<u64>(e, VALUE_BITS)));
    }
    heapFree(p);
    return new HostValue(tag, 0, list, name);
  }
  return new HostValue(tag, bits, null, name);
}

/** Tells worker `owner` that one of its calls was cancelled: it aborts the JS side at its next look. */
function signalCancel(owner: u32): void {
  atomic.add<i32>(WORKER_STATS + <usize>owner * WORKER_STATS_STRIDE + WS_HOST_CANCELS, 1);
  // The owner may be idle (waiting on WAKE_EPOCH in its event loop): wake it so it looks now.
  atomic.add<i32>(WAKE_EPOCH, 1);
  atomic.notify(WAKE_EPOCH);
}
