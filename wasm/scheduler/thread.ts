// The virtual-thread record: a small block in shared memory, so any worker can run, park, wake or cancel the thread.
// It is split in two, like Tokio's task header and trailer: the hot part below, which every thread has, and a cold
// part (at `cold`) for what only some threads use, allocated the first time one of them does (`coldFieldAt`).
//
//  off  field      what
//   0   state      one of the ST_* states below, changed with atomics
//   4   held       mutexes it holds (linked through the mutexes), released if it dies (sync/held.ts)
//   8   next       forward link in whatever queue holds the thread (run queue, a wait queue, a pending list)
//  12   fn         the guest function (an AssemblyScript function object)
//  16   group      the ThreadGroup that owns the thread, 0 for a root call
//  20   future     the Future that receives the result (or, for a root call, the host's frame); the thread's id
//                  is kept there (`threadId`), read seldom: in messages, dumps and a root's cancellation
//  24   stack      saved Asyncify stack block, 0 until the thread first suspends
//  28   flags      F_* bits; bits 8..15 hold the index of the worker that last ran it
//  32   arg/slot   64 bits, two uses that never overlap: the argument until the thread first runs (a rewind
//                  passes it again, but Asyncify restores every local the function still needs from the saved
//                  stack); then a value handed over by whoever wakes it (a received message, a permit count)
//  40   prev       back link in a wait queue (scheduler/waitq.ts)
//  44   sibNext    link in its group's list of children (or the list of root threads)
//  48   sibPrev
//  52   kind       u8: the function's call kind, which Wasm signature it has (scheduler/enter.ts)
//  53   waitKind   u8: what it is blocked on (W_* below), for cancellation and dumps
//  54   wake       u8: why it was woken, WAKE_* in memory/layout.ts
//  55   cancel     u8: CANCEL_SET once the thread is cancelled (level-triggered: it stays set), CANCEL_SHIELDED
//                  while it runs cleanups (bytes: the thread, its waker and its canceller write neighbouring
//                  fields, and Wasm stores to distinct bytes never interfere)
//  56   waitObj    the object it is blocked on (a mutex, a channel, a group...)
//  60   waitLock   the spin lock guarding the queue it waits in, 0 when it waits in none
//  64   waitQueue  the queue {head, tail} it is linked in, 0 when none
//  68   timer      1 + its index in the timer heap while it sleeps, else 0 (the heap has its deadline)
//  72   cold       its cold part, 0 until it needs one
//
// 76 bytes: with the allocator's 4-byte block header, 80, a block of the 80-byte size class. The cold part, written
// only by the thread itself (or by its spawner before it is published):
//
//   0   permits    semaphore permits it holds (a list of small blocks), released if it dies
//   4   ctx        its context variables (context/var.ts), inherited by its children at spawn
//   8   owned      groups it created (linked through the groups), waited for before it ends
//  12   cleanups   functions to run when it ends (scheduler/cleanup.ts), newest first
//
// Each of those comes with an allocation of its own (a permit record, a context entry, a group, a cleanup), so the
// cold part's one allocation per thread is small beside them; the threads that use none (most of them) pay nothing.

import { heapAlloc, heapFree } from "../memory/heap";
import { WS_SPAWNS, WS_LIVE, FRAME_THREAD } from "../memory/layout";
import { nextThreadId } from "./ids";
import { stats } from "./local";

// @ts-ignore: decorator
@inline export const T_STATE: usize = 0;
// @ts-ignore: decorator
@inline export const T_HELD: usize = 4;
// @ts-ignore: decorator
@inline export const T_NEXT: usize = 8;
// @ts-ignore: decorator
@inline export const T_FN: usize = 12;
// @ts-ignore: decorator
@inline export const T_GROUP: usize = 16;
// @ts-ignore: decorator
@inline export const T_FUTURE: usize = 20;
// @ts-ignore: decorator
@inline export const T_STACK: usize = 24;
// @ts-ignore: decorator
@inline export const T_FLAGS: usize = 28;
// @ts-ignore: decorator
@inline export const T_ARG: usize = 32;
/**
 * The hand-over slot shares the argument's word: a thread's argument is read only before it first runs (from then on
 * the collector finds it in the thread's saved frames, or with JSPI in its shadow stack's top slot: driver/jspi.ts).
 */
// @ts-ignore: decorator
@inline export const T_SLOT: usize = T_ARG;
// @ts-ignore: decorator
@inline export const T_PREV: usize = 40;
// @ts-ignore: decorator
@inline export const T_SIB_NEXT: usize = 44;
// @ts-ignore: decorator
@inline export const T_SIB_PREV: usize = 48;
// @ts-ignore: decorator
@inline export const T_KIND: usize = 52;
// @ts-ignore: decorator
@inline export const T_WAIT_KIND: usize = 53;
// @ts-ignore: decorator
@inline export const T_WAKE: usize = 54;
// @ts-ignore: decorator
@inline export const T_CANCEL: usize = 55;
// @ts-ignore: decorator
@inline export const T_WAIT_OBJ: usize = 56;
// @ts-ignore: decorator
@inline export const T_WAIT_LOCK: usize = 60;
// @ts-ignore: decorator
@inline export const T_WAIT_QUEUE: usize = 64;
// @ts-ignore: decorator
@inline export const T_TIMER: usize = 68;
// @ts-ignore: decorator
@inline export const T_COLD: usize = 72;
// @ts-ignore: decorator
@inline export const THREAD_SIZE: usize = 76;

// The cold part.
// @ts-ignore: decorator
@inline export const C_PERMITS: usize = 0;
// @ts-ignore: decorator
@inline export const C_CTX: usize = 4;
// @ts-ignore: decorator
@inline export const C_OWNED: usize = 8;
// @ts-ignore: decorator
@inline export const C_CLEANUPS: usize = 12;
// @ts-ignore: decorator
@inline export const COLD_SIZE: usize = 16;

/** Where a future keeps its thread's id: `FutureBase.thread` (checked in scheduler/outcome.ts). */
// @ts-ignore: decorator
@inline export const FUTURE_THREAD: usize = 20;

// The cancel byte. Only these helpers touch it.
// @ts-ignore: decorator
@inline const CANCEL_SET: u8 = 1;
// @ts-ignore: decorator
@inline const CANCEL_SHIELDED: u8 = 2;

/** True once `t` is cancelled (and not running its cleanups, which are shielded). */
// @ts-ignore: decorator
@inline export function isCancelled(t: usize): bool {
  return atomic.load<u8>(t + T_CANCEL) == CANCEL_SET;
}

/** True while `t` runs its cleanups: a cancellation no longer reaches it. */
// @ts-ignore: decorator
@inline export function isShielded(t: usize): bool {
  return atomic.load<u8>(t + T_CANCEL) == CANCEL_SHIELDED;
}

/** Marks `t` cancelled unless it is shielded; false when it is (then it stays shielded). */
// @ts-ignore: decorator
@inline export function markCancelled(t: usize): bool {
  return atomic.cmpxchg<u8>(t + T_CANCEL, 0, CANCEL_SET) != CANCEL_SHIELDED;
}

/** Shields `t` for good: it runs its cleanups, its outcome already decided. */
// @ts-ignore: decorator
@inline export function shield(t: usize): void {
  atomic.store<u8>(t + T_CANCEL, CANCEL_SHIELDED);
}

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
  store<usize>(t, 0, T_HELD);
  // The id goes where `threadId` finds it: the future, or a root call's frame.
  const id = nextThreadId();
  store<u32>(future + ((flags & F_ROOT) ? FRAME_THREAD : FUTURE_THREAD), id);
  store<usize>(t, 0, T_NEXT);
  store<usize>(t, fn, T_FN);
  store<usize>(t, group, T_GROUP);
  store<usize>(t, future, T_FUTURE);
  store<usize>(t, 0, T_STACK);
  store<u32>(t, flags | F_NEVER_RAN, T_FLAGS);
  store<u64>(t, arg, T_ARG);
  // The rest zeroed with stores: `memory.fill` is a call out of the compiled code in V8, dear for 36 bytes per spawn.
  store<u64>(t, 0, T_PREV);
  store<u64>(t, 0, T_PREV + 8);
  store<u64>(t, 0, T_PREV + 16);
  store<u64>(t, 0, T_PREV + 24);
  store<u32>(t, 0, T_PREV + 32);
  store<u8>(t, <u8>kind, T_KIND);
  store<i32>(stats, load<i32>(stats, WS_LIVE) + 1, WS_LIVE);
  store<u64>(stats, load<u64>(stats, WS_SPAWNS) + 1, WS_SPAWNS);
  return t;
}
// @ts-ignore
if (THREAD_SIZE - T_PREV != 36) ERROR("newThread zeroes 36 bytes from T_PREV with stores: change them with the record");

export function freeThread(t: usize): void {
  threadGone();
  freeThreadRecord(t);
}

/** Frees the record of a thread already counted out (`threadGone`, driver/finish.ts). */
export function freeThreadRecord(t: usize): void {
  const cold = load<usize>(t, T_COLD);
  if (cold != 0) heapFree(cold);
  heapFree(t);
}

/** The address of the cold field at `offset` (C_*) of `t`, 0 when `t` has no cold part (every cold field empty). */
// @ts-ignore: decorator
@inline export function coldFieldIfAny(t: usize, offset: usize): usize {
  const cold = load<usize>(t, T_COLD);
  return cold == 0 ? 0 : cold + offset;
}

/** The cold field at `offset` (C_*) of `t`: its value, 0 when `t` has no cold part yet. */
// @ts-ignore: decorator
@inline export function coldField(t: usize, offset: usize): usize {
  const at = coldFieldIfAny(t, offset);
  return at == 0 ? 0 : load<usize>(at);
}

/**
 * The address of the cold field at `offset` (C_*) of `t`, allocating its cold part the first time; 0 when out of
 * memory. Only the thread itself (or its spawner, before the thread is published) may call it.
 */
export function coldFieldAt(t: usize, offset: usize): usize {
  let cold = load<usize>(t, T_COLD);
  if (cold == 0) {
    cold = heapAlloc(COLD_SIZE);
    if (cold == 0) return 0;
    memory.fill(cold, 0, COLD_SIZE);
    store<usize>(t, cold, T_COLD);
  }
  return cold + offset;
}

/**
 * One thread fewer in `schedulerStats().liveThreads`. A finishing thread counts itself out before it wakes whoever
 * waits for it (driver/finish.ts), so that a root call settled after its children ended reads 0 at once.
 */
export function threadGone(): void {
  store<i32>(stats, load<i32>(stats, WS_LIVE) - 1, WS_LIVE);
}

/** The id of `t`: unique for the runtime's life (scheduler/ids.ts). */
export function threadId(t: usize): u32 {
  const future = load<usize>(t, T_FUTURE);
  return load<u32>(future + ((load<u32>(t, T_FLAGS) & F_ROOT) ? FRAME_THREAD : FUTURE_THREAD));
}

export function threadFlags(t: usize): u32 {
  return load<u32>(t, T_FLAGS);
}
