// Ids of threads and groups, unique for the runtime's life. Each worker takes them from the shared counters in
// batches of ID_BATCH (Go's goidcache): one shared add per batch instead of one per spawn, whose cache line otherwise
// travels between workers that spawn at once. Increasing in creation order on each worker; across workers, in
// creation order only to within a batch.

import { NEXT_THREAD_ID, NEXT_GROUP_ID } from "../memory/layout";

// @ts-ignore: decorator
@inline const ID_BATCH: u32 = 64;

// Per worker (Wasm globals): the next id of this worker's batch, and the end of the batch.
let threadNext: u32 = 0;
let threadEnd: u32 = 0;
let groupNext: u32 = 0;
let groupEnd: u32 = 0;

/** The first id of a fresh batch from `counter` (ids start at 1). */
function claimBatch(counter: usize): u32 {
  return atomic.add<u32>(counter, ID_BATCH) + 1;
}

// @ts-ignore: decorator
@inline export function nextThreadId(): u32 {
  if (threadNext == threadEnd) {
    threadNext = claimBatch(NEXT_THREAD_ID);
    threadEnd = threadNext + ID_BATCH;
  }
  return threadNext++;
}

export function nextGroupId(): u32 {
  if (groupNext == groupEnd) {
    groupNext = claimBatch(NEXT_GROUP_ID);
    groupEnd = groupNext + ID_BATCH;
  }
  return groupNext++;
}
