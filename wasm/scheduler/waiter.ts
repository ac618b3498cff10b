// What waits in a channel's queues: a thread (a plain send or receive), or one case of a select.
//
// A select waits on several channels at once, so it cannot link its thread record into each queue (a record has one
// pair of links). It links a *case node* per channel instead (Go's sudog), and all its nodes point at one select
// record whose `done` word is claimed with one compare-and-swap: whoever wins (a channel operation, the select's
// timer, a canceller) completes the select; whoever loses drops the node and moves on. The node has the thread
// record's queue links at the same offsets (next at 8, prev at 40), so the queues' own code (waitq.ts: qPush,
// qUnlink) links both; its first word, where a thread has its state (1..7), tells the two apart.
//
// Node layout (48 bytes, inside the Select object's node buffer, so it lives exactly as long as the Select):
//   0 mark     CASE_MARK
//   4 index    the case's index in its select
//   8 next     (= T_NEXT)
//  12 done     address of the select record's `done` word
//  16 thread   the selecting thread
//  20 queue    the queue it is linked in, 0 once taken out (a claimer that lost unlinks it; so may the select)
//  24 value    for a send case: the message, as 64 bits
//  40 prev     (= T_PREV)

import { T_NEXT, T_PREV, T_SLOT, T_WAKE, T_WAIT_QUEUE, T_WAIT_LOCK, T_WAIT_OBJ } from "./thread";
import { qUnlink } from "./queue";
import { cas, publish } from "../memory/sharing";

// @ts-ignore: decorator
@inline export const CASE_MARK: i32 = 0x5e1ec7;
// @ts-ignore: decorator
@inline export const N_MARK: usize = 0;
// @ts-ignore: decorator
@inline export const N_INDEX: usize = 4;
// @ts-ignore: decorator
@inline export const N_DONE: usize = 12;
// @ts-ignore: decorator
@inline export const N_THREAD: usize = 16;
// @ts-ignore: decorator
@inline export const N_QUEUE: usize = 20;
// @ts-ignore: decorator
@inline export const N_VALUE: usize = 24;
// @ts-ignore: decorator
@inline export const NODE_SIZE: usize = 48;

// The select record's words that others touch, at fixed offsets of the Select object (checked in select.ts).
/** 0 while the select waits; then 1 + the index of the case that completed it, or SELECT_CANCELLED. */
// @ts-ignore: decorator
@inline export const S_DONE: usize = 0;
/** The spin lock a canceller takes (the thread's waitLock while it waits in a select). */
// @ts-ignore: decorator
@inline export const S_LOCK: usize = 4;
/** Index of the timeout case, -1 when none. */
// @ts-ignore: decorator
@inline export const S_TIMEOUT_CASE: usize = 8;
// @ts-ignore: decorator
@inline export const SELECT_CANCELLED: i32 = -1;

/** True when the queue entry `w` is a select's case node rather than a thread. */
// @ts-ignore: decorator
@inline export function isCase(w: usize): bool {
  return load<i32>(w, N_MARK) == CASE_MARK;
}

/** The thread behind a queue entry. */
// @ts-ignore: decorator
@inline export function waiterThread(w: usize): usize {
  return isCase(w) ? load<usize>(w, N_THREAD) : w;
}

/** The message a waiting sender (thread or send case) offers. */
// @ts-ignore: decorator
@inline export function offered(w: usize): u64 {
  return isCase(w) ? load<u64>(w, N_VALUE) : load<u64>(w, T_SLOT);
}

/**
 * Takes the first entry of queue `q` that can still complete (the channel's lock held): a thread, or a case node
 * whose select this call claims. Nodes of selects already completed by someone else are dropped on the way.
 * Returns 0 when nothing waits.
 */
export function takeWaiter(q: usize): usize {
  while (true) {
    const w = load<usize>(q);
    if (w == 0) return 0;
    qUnlink(q, w);
    if (!isCase(w)) return w;
    const won = cas<i32>(load<usize>(w, N_DONE), 0, load<i32>(w, N_INDEX) + 1) == 0;
    // Only after the CAS: a select that sees its node out of every queue may start its next wait (with done 0
    // again, and perhaps without this channel, so without waiting for this lock).
    publish<usize>(w + N_QUEUE, 0);
    if (won) return w;
  }
}

/**
 * Completes the wait of an entry taken by `takeWaiter`: records why its thread wakes (and, for a receiver, the
 * message in its slot). Returns the thread, for the caller to unpark once it has released the lock.
 */
export function complete(w: usize, reason: i32, message: u64, deliver: bool): usize {
  const t = waiterThread(w);
  if (deliver) store<u64>(t, message, T_SLOT);
  store<u8>(t, <u8>reason, T_WAKE);
  publish<usize>(t + T_WAIT_QUEUE, 0);
  publish<usize>(t + T_WAIT_LOCK, 0);
  return t;
}

/**
 * Claims the select thread `t` waits in for `value` (a timer: 1 + the timeout case; a canceller: SELECT_CANCELLED).
 * Call with the lock the thread's wait names held, while it still names it.
 */
export function claimSelect(t: usize, value: i32): bool {
  const sel = load<usize>(t, T_WAIT_OBJ);
  return cas<i32>(sel + S_DONE, 0, value) == 0;
}

// The node's links must be where the queues expect a thread's.
// @ts-ignore: decorator
@inline export const NODE_LINKS_MATCH: bool = T_NEXT == 8 && T_PREV == 40;
