// The last step of a thread (driver/exit.ts decides when): its outcome goes to whoever waits (its future and
// group, or the host for a root call), and its record goes back to the allocator.

import { T_STATE, T_FLAGS, T_GROUP, T_FUTURE, ST_DONE, F_ROOT, F_FAILED, F_CANCELLED, threadGone, freeThreadRecord } from "../scheduler/thread";
import { completeFuture, OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_CANCELLED } from "../scheduler/outcome";
import { childExited, childFailed } from "../groups/group";
import { completeRoot } from "./roots";
import { unregisterRoot } from "../scheduler/registry";

export function finishThread(t: usize): void {
  const flags = load<u32>(t, T_FLAGS);
  store<i32>(t, ST_DONE, T_STATE); // for anyone debugging a freed record; nothing waits on it
  threadGone(); // before anyone learns it ended: the stats then read what the waker expects
  if (flags & F_ROOT) {
    unregisterRoot(t);
    completeRoot(t); // frees the record
    return;
  }
  const outcome = flags & F_FAILED ? OUTCOME_FAILED : flags & F_CANCELLED ? OUTCOME_CANCELLED : OUTCOME_DONE;
  const group = load<usize>(t, T_GROUP);
  // A failure is recorded in the group first (whoever sees the future failed sees the group failed); then the
  // future completes, then the group learns the child is gone (waking its joiners): so a joiner finds every
  // child's future complete, whichever worker it wakes on.
  if (group != 0 && (flags & F_FAILED)) childFailed(group, t);
  completeFuture(load<usize>(t, T_FUTURE), outcome);
  if (group != 0) childExited(group, t); // frees the record, before anyone sees the group drained
  else freeThreadRecord(t);
}
