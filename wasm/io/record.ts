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
import { R_REFS, VALUE_SIZE, VALUE_TAG, VALUE_BITS, LIST_ENTRIES, OBJECT_OVERHEAD, TAG_STR, TAG_BYTES, TAG_LIST } from "../memory/layout";

// The offsets, states and value tags are defined in memory/layout.ts (the host mirrors them).
export { R_LOCK, R_QUEUE, R_STATE, R_REFS, R_NAME, R_OWNER, R_ARGC, R_SINCE, R_RES_TAG, R_RES_BITS, R_ARGS, VALUE_SIZE,
         RS_PENDING, RS_OK, RS_FAILED, RS_CANCELLED, TAG_VOID, TAG_I32, TAG_F64, TAG_I64, TAG_BOOL, TAG_STR, TAG_BYTES,
         TAG_LIST, TAG_ERROR } from "../memory/layout";

/** Drops one reference; the last one frees the record. */
export function releaseRecord(rec: usize): void {
  if (atomic.sub<i32>(rec + R_REFS, 1) == 1) heapFree(rec);
}

/** Frees a result nobody will read (the thread was cancelled before it settled). */
export function freeValue(tag: i32, bits: u64): void {
  const p = <usize>bits;
  if (p == 0) return;
  if (tag == TAG_STR) heapFree(p - OBJECT_OVERHEAD); // __vt_string's block starts at the String's header
  else if (tag == TAG_BYTES) heapFree(p);
  else if (tag == TAG_LIST) {
    const n = load<u32>(p);
    for (let i: u32 = 0; i < n; i++) {
      const e = p + LIST_ENTRIES + <usize>i * VALUE_SIZE;
      freeValue(load<i32>(e, VALUE_TAG), load<u64>(e, VALUE_BITS));
    }
    heapFree(p);
  }
}
