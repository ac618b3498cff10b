// Guest of test/runtime/gc-stop.test.ts: a pending collection stops a thread that spawns in a loop without ever
// blocking at its next spawn (scheduler/api.ts, collectionPoint), instead of waiting for the loop's end.
import { ThreadGroup } from "vthreads";
import { GC_COUNT } from "vthreads/memory/layout";
import { requestCollection } from "vthreads/memory/heap";

// Shared cells (atomics: the children run on every worker).
const CELLS: usize = memory.data(8);
const LOOP_DONE: usize = CELLS;  // the spawner's loop is over
const EARLY: usize = CELLS + 4;  // children that ran before it was

function child(x: i32): i32 {
  if (atomic.load<i32>(LOOP_DONE) == 0) atomic.add<i32>(EARLY, 1);
  return x;
}

/**
 * Requests a collection (what an allocation past the trigger does), then spawns `n` children without blocking.
 * Returns [the spawn after which a collection had completed (-1: none did during the loop), children that ran
 * before the loop ended].
 */
export function spawnThroughCollection(n: i32): Array<i32> {
  atomic.store<i32>(LOOP_DONE, 0);
  atomic.store<i32>(EARLY, 0);
  const g = new ThreadGroup();
  const before = atomic.load<u32>(GC_COUNT);
  requestCollection();
  let seenAt = -1;
  for (let i = 0; i < n; i++) {
    g.spawn<i32, i32>(child, i);
    if (seenAt < 0 && atomic.load<u32>(GC_COUNT) != before) seenAt = i;
  }
  atomic.store<i32>(LOOP_DONE, 1);
  g.join();
  const out = new Array<i32>(2);
  out[0] = seenAt;
  out[1] = atomic.load<i32>(EARLY);
  return out;
}
