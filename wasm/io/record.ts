// The host-call record: a small raw block in shared memory through which one blocking guest call of a host function
// travels (io/call.ts on the guest side, host/workers/host-calls.ts in the worker that runs the JS function).
//
//  off  field    what
//   0   lock     spin lock guarding `state` and the wait queue
//   4   qHead    the one-entry wait queue {head, tail} the calling thread parks in (scheduler/waitq.ts)
//   8   qTail
//  12   state    RS_* below; changed under the lock once the call has started
//  16   refs     2 while both the thread and the worker's JS side hold it; whoever drops the last frees it
//  20   name     the host function's name (a String), for the JS side and for dumps
//  24   owner    index of the worker whose event loop runs the JS function (cancellation is signalled to it)
//  28   argc     number of arguments
//  32   since    when the call started waiting (ms on the shared clock), for dumps; written by the JS side
//  40   resTag   the result's (or the error message's) value tag, TAG_* below
//  48   resBits  the result: a number's bits, or a pointer (String, bytes block, list block)
//  56   args     argc entries of 16 bytes: {tag i32, pad, bits u64}
//
// Values: a String is an ordinary String object; bytes travel as a raw block {u32 length, bytes}; a list as a raw
// block {u32 count, pad, entries of 16 bytes like the arguments}. Arguments point at the guest's own objects
// (a String, a Uint8Array), which the JS side copies before the call returns to the guest.

import { heapFree } from "../memory/heap";

// @ts-ignore: decorator
@inline export const R_LOCK: usize = 0;
// @ts-ignore: decorator
@inline export const R_QUEUE: usize = 4;
// @ts-ignore: decorator
@inline export const R_STATE: usize = 12;
// @ts-ignore: decorator
@inline export const R_REFS: usize = 16;
// @ts-ignore: decorator
@inline export const R_NAME: usize = 20;
// @ts-ignore: decorator
@inline export const R_OWNER: usize = 24;
// @ts-ignore: decorator
@inline export const R_ARGC: usize = 28;
// @ts-ignore: decorator
@inline export const R_SINCE: usize = 32;
// @ts-ignore: decorator
@inline export const R_RES_TAG: usize = 40;
// @ts-ignore: decorator
@inline export const R_RES_BITS: usize = 48;
// @ts-ignore: decorator
@inline export const R_ARGS: usize = 56;
// @ts-ignore: decorator
@inline export const VALUE_SIZE: usize = 16;

/** The JS function has not settled yet. */
// @ts-ignore: decorator
@inline export const RS_PENDING: i32 = 0;
/** It returned or resolved: the result is in resTag/resBits. */
// @ts-ignore: decorator
@inline export const RS_OK: i32 = 1;
/** It threw or rejected: resBits is the message (a String). */
// @ts-ignore: decorator
@inline export const RS_FAILED: i32 = 2;
/** The calling thread was cancelled first: the JS side aborts the call and drops whatever it settles with. */
// @ts-ignore: decorator
@inline export const RS_CANCELLED: i32 = 3;

// Value tags (the same numbers in host/workers/host-calls.ts).
// @ts-ignore: decorator
@inline export const TAG_VOID: i32 = 0;
// @ts-ignore: decorator
@inline export const TAG_I32: i32 = 1;
// @ts-ignore: decorator
@inline export const TAG_F64: i32 = 2;
// @ts-ignore: decorator
@inline export const TAG_I64: i32 = 3;
// @ts-ignore: decorator
@inline export const TAG_BOOL: i32 = 4;
// @ts-ignore: decorator
@inline export const TAG_STR: i32 = 5;
// @ts-ignore: decorator
@inline export const TAG_BYTES: i32 = 6;
// @ts-ignore: decorator
@inline export const TAG_LIST: i32 = 7;
/** Guest side only: what `tryCallHost` returns for a rejection (the message String). */
// @ts-ignore: decorator
@inline export const TAG_ERROR: i32 = 8;

/** Drops one reference; the last one frees the record. */
export function releaseRecord(rec: usize): void {
  if (atomic.sub<i32>(rec + R_REFS, 1) == 1) heapFree(rec);
}

/** Frees a result nobody will read (the thread was cancelled before it settled). */
export function freeValue(tag: i32, bits: u64): void {
  const p = <usize>bits;
  if (p == 0) return;
  if (tag == TAG_STR) heapFree(p - 16); // __vt_string's block starts 16 bytes before the String
  else if (tag == TAG_BYTES) heapFree(p);
  else if (tag == TAG_LIST) {
    const n = load<u32>(p);
    for (let i: u32 = 0; i < n; i++) {
      const e = p + 8 + <usize>i * VALUE_SIZE;
      freeValue(load<i32>(e), load<u64>(e, 8));
    }
    heapFree(p);
  }
}
