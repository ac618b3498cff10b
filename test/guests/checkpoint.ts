// Guest of test/runtime/checkpoint.test.ts: a thread that computes for a long time beside one that wants to run.
import { ThreadGroup, yieldNow, checkpoint } from "vthreads";

const CELLS: usize = memory.data(16);
const TICKS: usize = CELLS;
const SINK: usize = CELLS + 4;

function ticker(n: i32): i32 {
  for (let i = 0; i < n; i++) {
    atomic.add<i32>(TICKS, 1);
    yieldNow();
  }
  return n;
}

/** Two million rounds of arithmetic; returns how many ticks the other thread made meanwhile. */
function cruncher(useCheckpoint: i32): i32 {
  const before = atomic.load<i32>(TICKS);
  let x: u32 = 1;
  for (let i = 0; i < 2_000_000; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    if (useCheckpoint) checkpoint();
  }
  store<u32>(SINK, x);
  return atomic.load<i32>(TICKS) - before;
}

/** Spawns the cruncher, then a ticker that wants to tick 100 times; returns the ticks made during the crunch. */
export function crunchBeside(useCheckpoint: i32): i32 {
  atomic.store<i32>(TICKS, 0);
  const g = new ThreadGroup();
  const crunch = g.spawn<i32, i32>(cruncher, useCheckpoint);
  g.spawn<i32, i32>(ticker, 100);
  g.join();
  return crunch.get();
}

/** checkpoint() outside a thread (module start-up) is a no-op, not an error. */
for (let i = 0; i < 1000; i++) checkpoint();
