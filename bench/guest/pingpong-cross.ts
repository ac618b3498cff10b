// Cross-worker ping-pong: two threads hand a turn back and forth through a shared cell, n times each
// (2n hand-overs). A thread that is not on turn waits with yieldNow() in a loop, so when the two sit on
// different workers every hand-over goes from one worker to the other through shared memory; on one worker
// (or when both land on the same worker) the loop alternates through the run queue.
//
// Checks: LAST (who took the turn last) must never be the taker itself (strict alternation), and
// CROSS counts hand-overs where the taker runs on a different worker than the one that handed over.
// The worker is identified by currentWorker().
//
// One i64 argument per spawned function: me << 32 | n.
import { ThreadGroup, Future, yieldNow, currentWorker } from "vthreads";

const CELLS: usize = memory.data(32, 8);
const TURN: usize = CELLS;        // whose turn: 0 or 1
const LAST: usize = CELLS + 4;    // who took the turn last (-1: nobody yet)
const VIOLATIONS: usize = CELLS + 8;
const LASTW: usize = CELLS + 12;  // worker tag of the side that handed over last (-1: nobody yet)
const CROSS: usize = CELLS + 16;  // hand-overs between different workers
const SPINS: usize = CELLS + 24;  // yields spent waiting for the turn (both sides)

// The worker a thread runs on right now (module variables are one per program, so a worker cannot tag itself).
// @ts-ignore: decorator
@inline function workerTag(): i32 {
  return currentWorker();
}

function player(arg: i64): i64 {
  const me = <i32>(arg >>> 32);
  const n = <i32>(arg & 0xffffffff);
  let acc: i64 = 0;
  let spins: i32 = 0;
  for (let i = 0; i < n; i++) {
    while (atomic.load<i32>(TURN) != me) {
      spins++;
      yieldNow();
    }
    // on turn: the other side cannot touch the cells until we hand over
    if (atomic.load<i32>(LAST) == me) atomic.add<i32>(VIOLATIONS, 1);
    atomic.store<i32>(LAST, me);
    const w = workerTag();
    const from = atomic.load<i32>(LASTW);
    if (from >= 0 && from != w) atomic.add<i32>(CROSS, 1);
    atomic.store<i32>(LASTW, w);
    acc += <i64>i;
    atomic.store<i32>(TURN, 1 - me); // hand over
  }
  atomic.add<i32>(SPINS, spins);
  return acc;
}

/** Returns the sum of both players' results (2 * n(n-1)/2), or -(violations) if they did not alternate. */
export function pingpongCross(n: i32): i64 {
  if (n < 1) abort("pingpongCross: bad arguments");
  atomic.store<i32>(TURN, 0);
  atomic.store<i32>(LAST, -1);
  atomic.store<i32>(VIOLATIONS, 0);
  atomic.store<i32>(LASTW, -1);
  atomic.store<i32>(CROSS, 0);
  atomic.store<i32>(SPINS, 0);
  const g = new ThreadGroup();
  const a: Future<i64> = g.spawn<i64, i64>(player, (<i64>0 << 32) | <i64>n);
  const b: Future<i64> = g.spawn<i64, i64>(player, (<i64>1 << 32) | <i64>n);
  g.join();
  const v = atomic.load<i32>(VIOLATIONS);
  if (v != 0) return -<i64>v;
  return a.get() + b.get();
}

/** Hand-overs of the last run whose taker ran on another worker than the giver. */
export function crossHandovers(): i32 {
  return atomic.load<i32>(CROSS);
}

/** Yields of the last run spent waiting for the turn. */
export function waitYields(): i32 {
  return atomic.load<i32>(SPINS);
}
