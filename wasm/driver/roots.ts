// Root calls: the host runs a guest export as a virtual thread with no parent. The generated entry file spawns it
// through `spawnRoot`; when it ends, the worker that ran it tells the host through the `root_done` import.
// Frame layout: docs/abi.md.

import { newThread, freeThreadRecord, threadId, T_FUTURE, T_FLAGS, F_ROOT, F_FAILED, F_CANCELLED, T_SIB_NEXT } from "../scheduler/thread";
import { registerRoot } from "../scheduler/registry";
import { cancelThread } from "../scheduler/waitq";
import { ROOTS_LOCK, ROOTS_HEAD, FRAME_STATUS, FRAME_FAILURE, STATUS_OK, STATUS_FAILED, STATUS_CANCELLED } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { ROOT_KIND } from "../scheduler/enter";
import * as runqueue from "../scheduler/runqueue";

// @ts-ignore: decorator
@external("vthreads", "root_done")
declare function rootDone(frame: usize, message: usize, thread: u32): void;

/** Spawns `entry(frame)` as a root virtual thread; returns its id, or 0 when out of memory. */
export function spawnRoot(entry: (frame: usize) => void, frame: usize): u32 {
  const t = newThread(ROOT_KIND, changetype<usize>(entry), <u64>frame, 0, frame, F_ROOT);
  if (t == 0) return 0;
  const id = threadId(t); // read before queueing: another worker may run and free the record at once
  registerRoot(t);
  runqueue.push(t);
  return id;
}

/**
 * Called by the scheduler when a root thread ends (already counted out of the live threads: driver/finish.ts).
 * Frees its record, then tells the host: stats read when the call has settled no longer count the root.
 */
export function completeRoot(t: usize): void {
  const frame = load<usize>(t, T_FUTURE);
  const flags = load<u32>(t, T_FLAGS);
  const failed = (flags & F_FAILED) != 0;
  const status = failed ? STATUS_FAILED : flags & F_CANCELLED ? STATUS_CANCELLED : STATUS_OK;
  const message = failed ? load<usize>(frame + FRAME_FAILURE) : 0;
  const id = threadId(t);
  atomic.store<u32>(frame + FRAME_STATUS, status);
  freeThreadRecord(t);
  rootDone(frame, message, id);
}

/** Cancels the live root thread with id `id`; false when there is none. */
export function cancelRoot(id: u32): bool {
  lock(ROOTS_LOCK);
  let t = load<usize>(ROOTS_HEAD);
  while (t != 0 && threadId(t) != id) t = load<usize>(t, T_SIB_NEXT);
  if (t != 0) while (!cancelThread(t, ROOTS_LOCK)) { /* its queue's lock is busy for a moment */ }
  unlock(ROOTS_LOCK);
  return t != 0;
}
