// The virtual-thread record: a small block in shared memory, so any worker can run, park, wake or cancel the thread.
//
//  off  field      what
//   0   state      one of the ST_* states below, changed with atomics
//   4   id         thread id, unique for the runtime's life
//   8   next       forward link in whatever queue holds the thread (run queue, a wait queue, a pending list)
//  12   kind       the function's call kind: which Wasm signature it has (scheduler/enter.ts)
//  16   fn         the guest function (an AssemblyScript function object)
//  20   group      the ThreadGroup that owns the thread, 0 for a root call
//  24   future     the Future that receives the result (or, for a root call, the host's frame)
//  28   stack      saved Asyncify stack block, 0 until the thread first suspends
//  32   arg        the argument, as 64 bits; once a root call has failed, its failure message
//  40   flags      F_* bits; bits 8..15 hold the index of the worker that last ran it
//  44   prev       back link in a wait queue (scheduler/waitq.ts)
//  48   sibNext    link in its group's list of children (or the list of root threads)
//  52   sibPrev
//  56   cancel     1 once the thread is cancelled (level-triggered: it stays set); -1 while it runs cleanups
//  60   waitKind   what it is blocked on (W_* below), for cancellation and dumps
//  64   waitObj    the object it is blocked on (a mutex, a channel, a group...)
//  68   waitLock   the spin lock guarding the queue it waits in, 0 when it waits in none
//  72   waitQueue  the queue {head, tail} it is linked in, 0 when none
//  76   held       mutexes it holds (linked through the mutexes), released if it dies (sync/held.ts)
//  80   permits    semaphore permits it holds (a list of small blocks), released if it dies
//  84   ctx        its context variables (context/var.ts), inherited by its children at spawn
//  88   owned      groups it created (linked through the groups), waited for before it ends
//  92   timer      1 + its index in the timer heap while it sleeps, else 0
//  96   since      when its sleep ends (ms on the shared clock), for dumps (a host call keeps its start in its record)
// 104   slot       a value handed over by whoever wakes it (a received message, a permit count)
// 112   wake       why it was woken: WAKE_* in memory/layout.ts
// 116   cleanups   functions to run when it ends (scheduler/cleanup.ts), newest first
//
// 120 bytes: with the allocator's 4-byte block header, 124, which takes a block of the 128-byte size class.

import { heapAlloc, heapFree } from "../memory/heap";
import { NEXT_THREAD_ID, WS_SPAWNS, WS_LIVE } from "../memory/layout";
import { stats } from "./local";

// @ts-ignore: decorator
@inline export const T_STATE: usize = 0;
// @ts-ignore: decorator
@inline export const T_ID: usize = 4;
// @ts-ignore: decorator
@inline export const T_NEXT: usize = 8;
// @ts-ignore: decorator
@inline export const T_KIND: usize = 12;
// @ts-ignore: decorator
@inline export const T_FN: usize = 16;
// @ts-ignore: decorator
@inline export const T_GROUP: usize = 20;
// @ts-ignore: decorator
@inline export const T_FUTURE: usize = 24;
// @ts-ignore: decorator
@inline export const T_STACK: usize = 28;
// @ts-ignore: decorator
@inline export const T_ARG: usize = 32;
// @ts-ignore: decorator
@inline export const T_FLAGS: usize = 40;
// @ts-ignore: decorator
@inline export const T_PREV: usize = 44;
// @ts-ignore: decorator
@inline export const T_SIB_NEXT: usize = 48;
// @ts-ignore: decorator
@inline export const T_SIB_PREV: usize = 52;
// @ts-ignore: decorator
@inline export const T_CANCEL: usize = 56;
// @ts-ignore: decorator
@inline export const T_WAIT_KIND: usize = 60;
// @ts-ignore: decorator
@inline export const T_WAIT_OBJ: usize = 64;
// @ts-ignore: decorator
@inline export const T_WAIT_LOCK: usize = 68;
// @ts-ignore: decorator
@inline export const T_WAIT_QUEUE: usize = 72;
// @ts-ignore: decorator
@inline export const T_HELD: usize = 76;
// @ts-ignore: decorator
@inline export const T_PERMITS: usize = 80;
// @ts-ignore: decorator
@inline export const T_CTX: usize = 84;
// @ts-ignore: decorator
@inline export const T_OWNED: usize = 88;
// @ts-ignore: decorator
@inline export const T_TIMER: usize = 92;
// @ts-ignore: decorator
@inline export const T_SINCE: usize = 96;
// @ts-ignore: decorator
@inline export const T_SLOT: usize = 104;
// @ts-ignore: decorator
@inline export const T_WAKE: usize = 112;
// @ts-ignore: decorator
@inline export const T_CLEANUPS: usize = 116;
// @ts-ignore: decorator
@inline export const THREAD_SIZE: usize = 120;

// States. The park protocol (scheduler/park.ts) moves RUNNING -> PARKING -> PARKED -> RUNNABLE, or
// PARKING -> NOTIFIED when the wake-up arrives before the unwind has finished.
// @ts-ignore: decorator
@inline export const ST_RUNNABLE: i32 = 1;
// @ts-ignore: decorator
@inline export const ST_RUNNING: i32 = 2;
// @ts-ignore: decorator
@inline export const ST_PARKING: i32 = 3;
// @ts-ignore: decorator
@inline export const ST_PARKED: i32 = 4;
// @ts-ignore: decorator
@inline export const ST_NOTIFIED: i32 = 5;
// @ts-ignore: decorator
@inline export const ST_DONE: i32 = 6;
/** Spawned into a group at its `max_concurrency`: waits in the group's pending list until a child ends. */
// @ts-ignore: decorator
@inline export const ST_PENDING: i32 = 7;

/** The thread is a root call from the host: `future` points at the host's frame. */
// @ts-ignore: decorator
@inline export const F_ROOT: u32 = 1;
/** The thread failed; its failure is recorded in its future or frame. */
// @ts-ignore: decorator
@inline export const F_FAILED: u32 = 2;
/** The thread ended because it was cancelled (not a failure: its group does not fail for it). */
// @ts-ignore: decorator
@inline export const F_CANCELLED: u32 = 4;
/** The thread's own code has ended; it is waiting for the groups it created before it finishes. */
// @ts-ignore: decorator
@inline export const F_EXITING: u32 = 8;
/** The thread's code has ended and it runs its cleanups (shielded from cancellation meanwhile). */
// @ts-ignore: decorator
@inline export const F_CLEANING: u32 = 16;
/** The thread waits pinned: a JS frame on its stack, its worker waits for it (driver/pin.ts). */
// @ts-ignore: decorator
@inline export const F_PINNED: u32 = 32;
// @ts-ignore: decorator
@inline export const F_WORKER_SHIFT: u32 = 8;
// @ts-ignore: decorator
@inline export const F_NEVER_RAN: u32 = 0xff << 8;

// What a thread waits on (its waitKind), for dumps.
// @ts-ignore: decorator
@inline export const W_NONE: i32 = 0;
// @ts-ignore: decorator
@inline export const W_SLEEP: i32 = 1;
// @ts-ignore: decorator
@inline export const W_MUTEX: i32 = 2;
// @ts-ignore: decorator
@inline export const W_SEMAPHORE: i32 = 3;
// @ts-ignore: decorator
@inline export const W_SEND: i32 = 4;
// @ts-ignore: decorator
@inline export const W_RECV: i32 = 5;
// @ts-ignore: decorator
@inline export const W_FUTURE: i32 = 6;
// @ts-ignore: decorator
@inline export const W_JOIN: i32 = 7;
// @ts-ignore: decorator
@inline export const W_EVENT: i32 = 8;
// @ts-ignore: decorator
@inline export const W_WAITGROUP: i32 = 9;
// @ts-ignore: decorator
@inline export const W_HOST: i32 = 10;
// @ts-ignore: decorator
@inline export const W_EXIT: i32 = 11;
/** In a select (sync/select.ts): its case nodes wait in the channels' queues, the thread itself in none. */
// @ts-ignore: decorator
@inline export const W_SELECT: i32 = 12;

// Why a waiting thread was woken (its `wake` field): WAKE_* in memory/layout.ts (the host reads them too).

/** Allocates a runnable thread record; 0 when out of memory. */
export function newThread(kind: u32, fn: usize, arg: u64, group: usize, future: usize, flags: u32): usize {
  const t = heapAlloc(THREAD_SIZE);
  if (t == 0) return 0;
  store<i32>(t, ST_RUNNABLE, T_STATE);
  store<u32>(t, atomic.add<u32>(NEXT_THREAD_ID, 1) + 1, T_ID); // in spawn order across all workers
  store<usize>(t, 0, T_NEXT);
  store<u32>(t, kind, T_KIND);
  store<usize>(t, fn, T_FN);
  store<usize>(t, group, T_GROUP);
  store<usize>(t, future, T_FUTURE);
  store<usize>(t, 0, T_STACK);
  store<u64>(t, arg, T_ARG);
  store<u32>(t, flags | F_NEVER_RAN, T_FLAGS);
  memory.fill(t + T_PREV, 0, THREAD_SIZE - T_PREV);
  store<i32>(stats, load<i32>(stats, WS_LIVE) + 1, WS_LIVE);
  store<u64>(stats, load<u64>(stats, WS_SPAWNS) + 1, WS_SPAWNS);
  return t;
}

export function freeThread(t: usize): void {
  threadGone();
  heapFree(t);
}

/** Frees the record of a thread already counted out (`threadGone`, driver/finish.ts). */
export function freeThreadRecord(t: usize): void {
  heapFree(t);
}

/**
 * One thread fewer in `schedulerStats().liveThreads`. A finishing thread counts itself out before it wakes whoever
 * waits for it (driver/finish.ts), so that a root call settled after its children ended reads 0 at once.
 */
export function threadGone(): void {
  store<i32>(stats, load<i32>(stats, WS_LIVE) - 1, WS_LIVE);
}

export function threadId(t: usize): u32 {
  return load<u32>(t, T_ID);
}

export function threadFlags(t: usize): u32 {
  return load<u32>(t, T_FLAGS);
}
