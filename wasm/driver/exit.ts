// How a thread ends, in two steps. First its own code is over (it returned, failed or was cancelled): its stack is
// freed and what it holds is released. Then it waits, without a stack, for every group it created to have no live
// children (cancelling them first if it ended abnormally): only then does it finish, so no child outlives its
// parent. While it waits, it is queued in the group like a joiner and shows in dumps as exiting.

import { T_FLAGS, T_STATE, C_OWNED, coldField, coldFieldIfAny, F_EXITING, F_FAILED, F_CANCELLED, ST_RUNNING, isCancelled } from "../scheduler/thread";
import { freeStack } from "../scheduler/stacks";
import { parked } from "../scheduler/park";
import { recordFailure } from "../scheduler/fail";
import { finishThread } from "./finish";
import { startCleanups } from "../scheduler/cleanup";
import { releaseHeld } from "../sync/held";
import { cancelGroup, exitWaitFor, nextOwned, unjoinedFailure, disown, EXIT_DRAINED, EXIT_WAITING } from "../groups/group";

/** Ends `t` (not running on any stack now). It may park to wait for its groups; then the scheduler calls this again. */
export function exitThread(t: usize): void {
  let flags = load<u32>(t, T_FLAGS);
  if (!(flags & F_EXITING) && startCleanups(t)) return; // runs them, then ends here again
  if (!(flags & F_EXITING)) {
    flags |= F_EXITING;
    store<u32>(t, flags, T_FLAGS);
    freeStack(t);
    releaseHeld(t, (flags & (F_FAILED | F_CANCELLED)) != 0);
  }
  store<i32>(t, ST_RUNNING, T_STATE);
  let g = coldField(t, C_OWNED);
  while (g != 0) {
    const abnormal = (load<u32>(t, T_FLAGS) & (F_FAILED | F_CANCELLED)) != 0 || isCancelled(t);
    if (abnormal) cancelGroup(g, false);
    const r = exitWaitFor(g, t);
    if (r == EXIT_WAITING) { parked(t); return; } // woken when the group drains (or to cancel it): back here
    if (r == EXIT_DRAINED) g = nextOwned(g);
    // EXIT_RETRY: cancelled meanwhile; loop to cancel the group before waiting
  }
  // A group that failed and was never joined fails its owner: the failure is not lost.
  flags = load<u32>(t, T_FLAGS);
  g = coldField(t, C_OWNED);
  while (g != 0) {
    if (!(flags & F_FAILED)) {
      const failure = unjoinedFailure(g);
      if (failure != null) {
        recordFailure(t, failure);
        flags = load<u32>(t, T_FLAGS);
      }
    }
    const next = nextOwned(g);
    disown(g);
    g = next;
  }
  const owned = coldFieldIfAny(t, C_OWNED);
  if (owned != 0) store<usize>(owned, 0);
  finishThread(t);
}
