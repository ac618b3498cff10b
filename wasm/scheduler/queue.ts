// An intrusive queue {head, tail}: two words inside the object that owns it, linking threads (or select case nodes,
// scheduler/waiter.ts) through their `next`/`prev` fields, so an entry can be taken out of the middle. The owner's
// lock guards it; scheduler/waitq.ts builds blocking and cancellation on top.

import { T_NEXT, T_PREV } from "./thread";

// @ts-ignore: decorator
@inline export function qEmpty(q: usize): bool {
  return load<usize>(q) == 0;
}

/** Appends `t` at the tail (the lock held). */
export function qPush(q: usize, t: usize): void {
  const tail = load<usize>(q, 4);
  store<usize>(t, 0, T_NEXT);
  store<usize>(t, tail, T_PREV);
  if (tail == 0) store<usize>(q, t);
  else store<usize>(tail, t, T_NEXT);
  store<usize>(q, t, 4);
}

/** Takes `t` out of the queue, wherever it is (the lock held). */
export function qUnlink(q: usize, t: usize): void {
  const next = load<usize>(t, T_NEXT), prev = load<usize>(t, T_PREV);
  if (prev == 0) store<usize>(q, next);
  else store<usize>(prev, next, T_NEXT);
  if (next == 0) store<usize>(q, prev, 4);
  else store<usize>(next, prev, T_PREV);
  store<usize>(t, 0, T_NEXT);
  store<usize>(t, 0, T_PREV);
}
