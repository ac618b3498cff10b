// What happens when a thread ends, normally or by failure: its result goes to whoever waits (its future and group,
// or the host for a root call), and its record and saved stack go back to the allocator.

import { T_STATE, T_FLAGS, T_GROUP, T_FUTURE, ST_DONE, F_ROOT, F_FAILED, freeThread } from "./thread";
import { freeStack } from "./stacks";
import { completeFuture } from "../groups/future";
import { childExited } from "../groups/group";
import { completeRoot } from "../host/roots";

export function finishThread(t: usize): void {
  const flags = load<u32>(t, T_FLAGS);
  const failed = (flags & F_FAILED) != 0;
  store<i32>(t, ST_DONE, T_STATE); // for anyone debugging a freed record; nothing waits on it
  freeStack(t);
  if (flags & F_ROOT) {
    completeRoot(t);
  } else {
    const future = load<usize>(t, T_FUTURE);
    // The group learns first, so a joiner woken by the group finds the failure already recorded there.
    const group = load<usize>(t, T_GROUP);
    if (group != 0) childExited(group, future, failed);
    completeFuture(future, failed);
  }
  freeThread(t);
}
