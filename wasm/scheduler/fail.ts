// How a virtual thread fails. AssemblyScript has no exceptions to catch, so a failing thread is unwound with
// Asyncify and its stack discarded: nothing after the failure point runs. Traps and `abort` (a guest `throw`) reach
// the host as a JS exception instead; the host then calls `__vt_fail_current` (host/exports.ts), which ends here too.

import { T_FLAGS, T_FUTURE, threadId, F_ROOT, F_FAILED, F_CANCELLED } from "./thread";
import { current } from "./local";
import { __vt_suspend } from "./suspend";
import { REASON_EXIT, FRAME_FAILURE } from "../memory/layout";
import { FutureBase, Failure } from "./outcome";

/** Records that `t` failed with `message` (where its waiter will look: its future, or for a root call its frame). */
export function recordFailure(t: usize, message: string): void {
  const flags = load<u32>(t, T_FLAGS);
  if (flags & F_FAILED) return; // the first failure wins
  store<u32>(t, flags | F_FAILED, T_FLAGS);
  if (flags & F_ROOT) {
    store<usize>(load<usize>(t, T_FUTURE) + FRAME_FAILURE, changetype<usize>(message)); // a raw block: kept alive
  } else {
    changetype<FutureBase>(load<usize>(t, T_FUTURE)).failure = new Failure(message, threadId(t));
  }
}

/** Fails the running thread with `message`. Does not return. */
export function failCurrent(message: string): void {
  const t = current;
  if (t == 0) abort(message); // not in a virtual thread (module start-up code): fail the call that got here
  recordFailure(t, message);
  __vt_suspend(REASON_EXIT);
  unreachable(); // never resumed
}

/**
 * Ends the running thread because it was cancelled: its stack is discarded like a failed thread's, what it holds is
 * released, and its future completes as cancelled (its group does not fail for it). Does not return.
 */
export function exitCancelled(): void {
  const t = current;
  const flags = load<u32>(t, T_FLAGS);
  if (!(flags & F_FAILED)) store<u32>(t, flags | F_CANCELLED, T_FLAGS); // a failure recorded first wins
  __vt_suspend(REASON_EXIT);
  unreachable();
}

/** Fails the caller when a blocking call is made outside any virtual thread. */
// @ts-ignore: decorator
@inline export function requireThread(what: string): void {
  if (current == 0) outsideThread(what);
}

function outsideThread(what: string): void {
  abort(what + " was called outside a virtual thread (e.g. in module start-up code)");
}
