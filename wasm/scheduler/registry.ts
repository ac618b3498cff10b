// What a dump walks: the live root threads, and the groups that have live children and no owner (created outside any
// thread, or outliving the thread that created them); a group a thread owns is found through that thread. Both are
// intrusive lists under their own spin lock. Such a group joins the list when its first child is spawned and leaves
// it when its last child ends; owned groups, the many short-lived ones of a tree of threads, never take that lock.

import { ROOTS_LOCK, ROOTS_HEAD, GROUPS_LOCK, GROUPS_HEAD } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { T_SIB_NEXT, T_SIB_PREV } from "./thread";

export function registerRoot(t: usize): void {
  lock(ROOTS_LOCK);
  const head = load<usize>(ROOTS_HEAD);
  store<usize>(t, head, T_SIB_NEXT);
  store<usize>(t, 0, T_SIB_PREV);
  if (head != 0) store<usize>(head, t, T_SIB_PREV);
  store<usize>(ROOTS_HEAD, t);
  unlock(ROOTS_LOCK);
}

export function unregisterRoot(t: usize): void {
  lock(ROOTS_LOCK);
  const next = load<usize>(t, T_SIB_NEXT), prev = load<usize>(t, T_SIB_PREV);
  if (prev == 0) store<usize>(ROOTS_HEAD, next);
  else store<usize>(prev, next, T_SIB_NEXT);
  if (next != 0) store<usize>(next, prev, T_SIB_PREV);
  unlock(ROOTS_LOCK);
}

/** Adds a group to the active list; `nextAt`/`prevAt` are the addresses of its two link fields. */
export function registerGroup(g: usize, linkOffset: usize): void {
  lock(GROUPS_LOCK);
  const head = load<usize>(GROUPS_HEAD);
  store<usize>(g + linkOffset, head);
  store<usize>(g + linkOffset + 4, 0);
  if (head != 0) store<usize>(head + linkOffset + 4, g);
  store<usize>(GROUPS_HEAD, g);
  unlock(GROUPS_LOCK);
}

export function unregisterGroup(g: usize, linkOffset: usize): void {
  lock(GROUPS_LOCK);
  const next = load<usize>(g + linkOffset), prev = load<usize>(g + linkOffset + 4);
  if (prev == 0) store<usize>(GROUPS_HEAD, next);
  else store<usize>(prev + linkOffset, next);
  if (next != 0) store<usize>(next + linkOffset + 4, prev);
  unlock(GROUPS_LOCK);
}
