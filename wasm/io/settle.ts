// The worker's JS side of a host call, once the JS function has settled or been aborted (host/workers/host-calls.ts
// calls these through host/exports.ts).

import { qTake } from "../scheduler/waitq";
import { WAKE_GRANTED, HOST_CALLS_PENDING } from "../memory/layout";
import { unpark } from "../scheduler/park";
import { lock, unlock } from "../memory/spinlock";
import { R_LOCK, R_QUEUE, R_STATE, R_RES_TAG, R_RES_BITS, RS_PENDING, freeValue, releaseRecord } from "./record";

/**
 * The JS function settled with `state` (RS_OK or RS_FAILED; the result already written into the record). Wakes the
 * waiting thread, or drops the result when the thread was cancelled first. Either way the JS side lets go of the
 * record. Returns 1 when the result was delivered.
 */
export function settleHostCall(rec: usize, state: i32): i32 {
  lock(rec + R_LOCK);
  if (load<i32>(rec, R_STATE) != RS_PENDING) {
    unlock(rec + R_LOCK);
    freeValue(load<i32>(rec, R_RES_TAG), load<u64>(rec, R_RES_BITS));
    dropHostCall(rec);
    return 0;
  }
  atomic.store<i32>(rec + R_STATE, state);
  const waiter = qTake(rec + R_QUEUE, WAKE_GRANTED);
  unlock(rec + R_LOCK);
  dropHostCall(rec);
  if (waiter != 0) unpark(waiter);
  return 1;
}

/** The JS side is done with the record (settled, or aborted after the thread's cancellation). */
export function dropHostCall(rec: usize): void {
  atomic.sub<i32>(HOST_CALLS_PENDING, 1);
  releaseRecord(rec);
}
