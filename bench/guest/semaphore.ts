// Semaphore-limited fan-out: `tasks` threads, all spawned at once into one group, share a Semaphore(permits). Each
// acquires a permit, does a small CPU chunk (the xorshift32 loop of fanout-cpu.ts, `work` iterations seeded by its
// index), yields once while holding the permit, and releases it; the root joins and sums the chunks' results.
//
// Checks: the number of threads inside (between acquire and release) never exceeds `permits`: INSIDE is counted
// atomically and MAX_INSIDE keeps the highest value seen; the host compares it with the limit (and on one worker
// expects the limit to be reached: a semaphore that let only one through would be wrong too). The sum is checked
// against the same arithmetic in plain JS (common.js, fanoutChunk).
//
// One i64 argument per spawned function: work << 32 | index.
import { ThreadGroup, Future, Semaphore, yieldNow } from "vthreads";

const CELLS: usize = memory.data(16, 8);
const SEM: usize = CELLS;             // the Semaphore
const INSIDE: usize = CELLS + 4;      // threads holding a permit now
const MAX_INSIDE: usize = CELLS + 8;  // the most seen at once

function task(arg: i64): i64 {
  const idx = <u32>(arg & 0xffffffff);
  const work = <i32>(arg >>> 32);
  const sem = changetype<Semaphore>(load<usize>(SEM));
  sem.acquire();
  const inside = atomic.add<i32>(INSIDE, 1) + 1;
  let seen = atomic.load<i32>(MAX_INSIDE);
  while (inside > seen && atomic.cmpxchg<i32>(MAX_INSIDE, seen, inside) != seen) seen = atomic.load<i32>(MAX_INSIDE);
  let x: u32 = idx * <u32>2654435761 + 1;
  for (let j = 0; j < work; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  yieldNow(); // while holding the permit: the others queue on the semaphore
  atomic.sub<i32>(INSIDE, 1);
  sem.release();
  return <i64>x;
}

/** Returns the sum of the tasks' results. */
export function semaphoreFanout(tasks: i32, permits: i32, work: i32): i64 {
  if (tasks < 1 || permits < 1 || work < 0) abort("semaphoreFanout: bad arguments");
  store<usize>(SEM, changetype<usize>(new Semaphore(permits, "fan-out")));
  atomic.store<i32>(INSIDE, 0);
  atomic.store<i32>(MAX_INSIDE, 0);
  const g = new ThreadGroup();
  const futures = new StaticArray<Future<i64>>(tasks);
  for (let i = 0; i < tasks; i++) futures[i] = g.spawn<i64, i64>(task, (<i64>work << 32) | <i64>i);
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < tasks; i++) sum += futures[i].get();
  return sum;
}

/** The most threads that held a permit at once during the last run. */
export function maxInside(): i32 {
  return atomic.load<i32>(MAX_INSIDE);
}
