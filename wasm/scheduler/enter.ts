// Entering a thread: calling its guest function with the right Wasm signature.
//
// A spawned function has one argument and a result, each of one of a few Wasm types. The spawn records which
// (the call kind); `enter` switches on it and makes the `call_indirect` itself, so the guest function is the bottom
// frame of the thread's stack. `enter` is inlined into the scheduler loop, which Asyncify leaves uninstrumented.

import { T_KIND, T_FN, T_ARG, T_FUTURE, T_FLAGS, F_ROOT } from "./thread";
import { FutureBase } from "./outcome";
import { writeBarrier } from "../memory/gc";

// Argument kinds (high nibble) and result kinds (low nibble).
// @ts-ignore: decorator
@inline const ARG_I32: u32 = 0x00;
// @ts-ignore: decorator
@inline const ARG_I64: u32 = 0x10;
// @ts-ignore: decorator
@inline const ARG_F32: u32 = 0x20;
// @ts-ignore: decorator
@inline const ARG_F64: u32 = 0x30;
// @ts-ignore: decorator
@inline const RESULT_VOID: u32 = 0;
// @ts-ignore: decorator
@inline const RESULT_I32: u32 = 1;
// @ts-ignore: decorator
@inline const RESULT_I64: u32 = 2;
// @ts-ignore: decorator
@inline const RESULT_F32: u32 = 3;
// @ts-ignore: decorator
@inline const RESULT_F64: u32 = 4;
/** An i32 that is a reference: stored in the future's `ref`, where a collector can see it. */
// @ts-ignore: decorator
@inline const RESULT_REF: u32 = 5;

/** The call kind of a function (arg: A) => R. */
// @ts-ignore: decorator
@inline export function callKind<A, R>(): u32 {
  let arg: u32 = ARG_I32;
  if (isFloat<A>()) arg = sizeof<A>() == 4 ? ARG_F32 : ARG_F64;
  else if (sizeof<A>() == 8) arg = ARG_I64;
  let result: u32 = RESULT_I32;
  if (isVoid<R>()) result = RESULT_VOID;
  else if (isReference<R>()) result = RESULT_REF;
  else if (isFloat<R>()) result = sizeof<R>() == 4 ? RESULT_F32 : RESULT_F64;
  else if (sizeof<R>() == 8) result = RESULT_I64;
  return arg | result;
}

/** The call kind of a root call's entry, (frame: usize) => void. */
// @ts-ignore: decorator
@inline export const ROOT_KIND: u32 = ARG_I32 | RESULT_VOID;

/** Calls the thread's function (or, during a rewind, re-enters it); returns its result as 64 bits. */
// @ts-ignore: decorator
@inline export function enter(t: usize): u64 {
  const kind = <u32>load<u8>(t, T_KIND);
  const fn = load<u32>(load<usize>(t, T_FN)); // a function object's first field is its table index
  const arg = load<u64>(t, T_ARG);
  const result = kind & 0xf;
  let bits: u64;
  switch (kind & 0xf0) {
    case ARG_I32: bits = callWith<i32>(fn, <i32>arg, result); break;
    case ARG_I64: bits = callWith<i64>(fn, <i64>arg, result); break;
    case ARG_F32: bits = callWith<f32>(fn, reinterpret<f32>(<u32>arg), result); break;
    default: bits = callWith<f64>(fn, reinterpret<f64>(arg), result); break;
  }
  return bits;
}

/** The thread's function returned `bits`: put them in its future (a root call's result is in its frame already). */
export function storeResult(t: usize, bits: u64): void {
  if (load<u32>(t, T_FLAGS) & F_ROOT) return;
  const result = <u32>load<u8>(t, T_KIND) & 0xf;
  if (result == RESULT_VOID) return;
  const future = load<usize>(t, T_FUTURE);
  if (result == RESULT_REF) {
    writeBarrier(<usize>bits); // a reference stored into a guest object (memory/gc.ts)
    store<usize>(future + offsetof<FutureBase>("ref"), <usize>bits);
  }
  else store<u64>(future + offsetof<FutureBase>("bits"), bits);
}

// @ts-ignore: decorator
@inline function callWith<A>(fn: u32, a: A, result: u32): u64 {
  switch (result) {
    case RESULT_VOID: call_indirect<void>(fn, a); return 0;
    case RESULT_I64: return <u64>call_indirect<i64>(fn, a);
    case RESULT_F32: return <u64>reinterpret<u32>(call_indirect<f32>(fn, a));
    case RESULT_F64: return reinterpret<u64>(call_indirect<f64>(fn, a));
    default: return <u64><u32>call_indirect<i32>(fn, a); // i32 and references
  }
}
