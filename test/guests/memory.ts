// Guest of test/runtime/memory.test.ts: threads whose records and saved stacks must go back to the allocator.
//
// The tests run without automatic collections, so guest objects (a spawn's Future, arrays, strings) stay allocated
// until collect(). These exports keep no array of futures: the only guest object left behind per spawned thread is
// its Future.
import { ThreadGroup, Future, yieldNow, sleep } from "vthreads";

const CELLS: usize = memory.data(16);
/** Holders that reached the gate. */
const HELD: usize = CELLS;
/** 1 once release() ran. */
const RELEASED: usize = CELLS + 4;

/** Goes `depth` frames down (each frame holding locals), suspends twice at the bottom, and comes back up. */
function level(depth: i32, x: i32): i32 {
  const a = x * 3 + depth;
  const b: f64 = <f64>a * 0.5;
  if (depth == 0) {
    yieldNow();
    sleep(0);
    return a;
  }
  return level(depth - 1, x) + a + <i32>b;
}

function churn(x: i32): i32 {
  return level(4, x);
}

/** Spawns n threads that each suspend 4 frames deep, joins them, and drops their futures. Returns n. */
export function spawnDiscard(n: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(churn, i);
  g.join();
  return n;
}

function napper(ms: i32): i32 {
  sleep(<f64>ms);
  return ms;
}

/**
 * n threads asleep at once: grows the runtime's timer heap (one shared array, sized by the most threads ever asleep
 * at the same time, never shrunk) to n entries, so that later measurements with fewer sleepers do not see it grow.
 */
export function sleepAll(n: i32, ms: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(napper, ms);
  g.join();
  return n;
}

function gateBody(x: i32): i32 {
  while (atomic.load<i32>(RELEASED) == 0) sleep(1);
  return x;
}

/** Like `level`, but waits on the gate at the bottom (so it stays parked, its stack saved, until release()). */
function holdLevel(depth: i32, gate: usize): i32 {
  const a = depth * 3;
  const b: f64 = <f64>a * 0.5;
  if (depth == 0) {
    atomic.add<i32>(HELD, 1);
    return changetype<Future<i32>>(gate).get();
  }
  return holdLevel(depth - 1, gate) + a + <i32>b;
}

function holder(gate: usize): i32 {
  return holdLevel(4, gate);
}

/** n holders park 4 frames deep on a gate until release(); then they all finish. Returns n. */
export function holdAll(n: i32): i32 {
  atomic.store<i32>(HELD, 0);
  atomic.store<i32>(RELEASED, 0);
  const g = new ThreadGroup();
  const gate = g.spawn<i32, i32>(gateBody, 1);
  for (let i = 0; i < n; i++) g.spawn<usize, i32>(holder, changetype<usize>(gate));
  g.join();
  return n;
}

// The same shape as bench/guest/parked-bytes.ts's waiter (an i64 gate), so that its frames are the same 40 bytes.
function gateBody64(x: i64): i64 {
  while (atomic.load<i32>(RELEASED) == 0) sleep(1);
  return x;
}

function shallowHolder(gatePtr: i64): i64 {
  atomic.add<i32>(HELD, 1);
  return changetype<Future<i64>>(<usize>gatePtr).get(); // parked at call depth 1
}

/** n holders park directly on a gate (call depth 1) until release(); then they all finish. Returns n. */
export function holdAllShallow(n: i32): i32 {
  atomic.store<i32>(HELD, 0);
  atomic.store<i32>(RELEASED, 0);
  const g = new ThreadGroup();
  const gate = g.spawn<i64, i64>(gateBody64, 1);
  for (let i = 0; i < n; i++) g.spawn<i64, i64>(shallowHolder, <i64>changetype<usize>(gate));
  g.join();
  return n;
}

export function heldCount(): i32 {
  return atomic.load<i32>(HELD);
}

export function release(): void {
  atomic.store<i32>(RELEASED, 1);
}
