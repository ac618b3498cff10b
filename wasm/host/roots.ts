// Root calls: the host runs a guest export as a virtual thread with no parent. The generated entry file spawns it
// through `spawnRoot`; when it ends, the worker that ran it tells the host through the `root_done` import.
// Frame layout: docs/abi.md.

import { newThread, threadId, T_FUTURE, T_ARG, T_FLAGS, F_ROOT, F_FAILED } from "../scheduler/thread";
import { ROOT_KIND } from "../scheduler/enter";
import * as runqueue from "../scheduler/runqueue";

// @ts-ignore: decorator
@external("vthreads", "root_done")
declare function rootDone(frame: usize, message: usize, thread: u32): void;

// @ts-ignore: decorator
@inline const STATUS_OK: u32 = 1;
// @ts-ignore: decorator
@inline const STATUS_FAILED: u32 = 2;

/** Spawns `entry(frame)` as a root virtual thread; returns its id, or 0 when out of memory. */
export function spawnRoot(entry: (frame: usize) => void, frame: usize): u32 {
  const t = newThread(ROOT_KIND, changetype<usize>(entry), <u64>frame, 0, frame, F_ROOT);
  if (t == 0) return 0;
  const id = threadId(t); // read before queueing: another worker may run and free the record at once
  runqueue.push(t);
  return id;
}

/** Called by the scheduler when a root thread ends. */
export function completeRoot(t: usize): void {
  const frame = load<usize>(t, T_FUTURE);
  const failed = (load<u32>(t, T_FLAGS) & F_FAILED) != 0;
  atomic.store<u32>(frame + 4, failed ? STATUS_FAILED : STATUS_OK);
  rootDone(frame, failed ? <usize>load<u64>(t, T_ARG) : 0, threadId(t));
}
