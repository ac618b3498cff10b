// Guest of test/runtime/sleep.test.ts: sleeping threads, how long they sleep, and what runs meanwhile.
import { ThreadGroup, Future, yieldNow, sleep, now } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

const CELLS: usize = memory.data(32);
/** A shared sequence: each event takes the next number, so the test can see in which order things happened. */
const SEQ: usize = CELLS;
/** Sleepers of `sleepMany` that woke. */
const WOKE: usize = CELLS + 4;

/** Sleeps `ms` and returns how long it slept, by the guest's clock. */
export function sleepFor(ms: f64): f64 {
  const t0 = now();
  sleep(ms);
  return now() - t0;
}

/** Returns how long it slept minus how long it asked for (never negative if sleep keeps its promise). */
function sleeper(ms: f64): f64 {
  const t0 = now();
  sleep(ms);
  const slept = now() - t0;
  atomic.add<i32>(WOKE, 1);
  return slept - ms;
}

/**
 * Spawns n threads sleeping pseudo-random whole milliseconds in 0..maxMs (xorshift from `seed`, see the test).
 * Returns [threads that woke, threads that woke too early, sum of the durations, smallest slept - asked].
 */
export function sleepMany(n: i32, seed: u32, maxMs: u32): Array<f64> {
  atomic.store<i32>(WOKE, 0);
  const g = new ThreadGroup();
  const fs = new Array<Future<f64>>();
  let x = seed;
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    const ms = <f64>(x % (maxMs + 1));
    total += ms;
    fs.push(g.spawn<f64, f64>(sleeper, ms));
  }
  g.join();
  let early = 0;
  let least = Infinity;
  for (let i = 0; i < n; i++) {
    const over = fs[i].get();
    if (over < 0) early++;
    if (over < least) least = over;
  }
  return [<f64>atomic.load<i32>(WOKE), <f64>early, total, least];
}

/** Sleeps `ms`; records the sequence number when it starts sleeping and when it wakes (packed start << 16 | wake). */
function longSleeper(ms: i32): i32 {
  const start = atomic.add<i32>(SEQ, 1);
  sleep(<f64>ms);
  const wake = atomic.add<i32>(SEQ, 1);
  return (start << 16) | wake;
}

/** Yields `n` times, then records the sequence number at which it finished. */
function busy(n: i32): i32 {
  for (let i = 0; i < n; i++) yieldNow();
  return atomic.add<i32>(SEQ, 1);
}

/**
 * One thread sleeps `ms` while `others` threads each yield `yields` times. Returns [sleeper's start, sleeper's wake,
 * then each busy thread's finish], all sequence numbers.
 */
export function sleepWhileOthersRun(ms: i32, others: i32, yields: i32): Array<i32> {
  atomic.store<i32>(SEQ, 0);
  const g = new ThreadGroup();
  const s = g.spawn<i32, i32>(longSleeper, ms);
  // Let the sleeper start sleeping before the busy threads exist (it is first in the queue).
  while (atomic.load<i32>(SEQ) == 0) yieldNow();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < others; i++) fs.push(g.spawn<i32, i32>(busy, yields));
  g.join();
  const packed = s.get();
  const out: Array<i32> = [packed >> 16, packed & 0xffff];
  for (let i = 0; i < others; i++) out.push(fs[i].get());
  return out;
}

/** sleep(0) is a scheduling point that returns: `n` of them in a row, then the count. */
export function sleepZero(n: i32): i32 {
  let k = 0;
  for (let i = 0; i < n; i++) {
    sleep(0);
    k++;
  }
  return k;
}

// --- sleeping beside threads that compute between their yields

const BUSY_ITERATIONS: usize = CELLS + 8;
const STOP_BUSY: usize = CELLS + 12;

/** Computes `spinMs` (by the guest clock) between yields until told to stop. */
function cruncher(spinMs: f64): i32 {
  let k = 0;
  while (atomic.load<i32>(STOP_BUSY) == 0) {
    const end = now() + spinMs;
    while (now() < end) {}
    atomic.add<i32>(BUSY_ITERATIONS, 1);
    k++;
    yieldNow();
  }
  return k;
}

/** Sleeps `ms`, then stops the crunchers; returns how many crunch iterations ran during the sleep. */
function sleepAndStop(ms: f64): i32 {
  const before = atomic.load<i32>(BUSY_ITERATIONS);
  sleep(ms);
  const during = atomic.load<i32>(BUSY_ITERATIONS) - before;
  atomic.store<i32>(STOP_BUSY, 1);
  return during;
}

/** One thread sleeps `ms` while `crunchers` threads compute `spinMs` between yields. Returns sleepAndStop's count. */
export function sleepBesideCrunchers(crunchers: i32, spinMs: f64, ms: f64): i32 {
  atomic.store<i32>(BUSY_ITERATIONS, 0);
  atomic.store<i32>(STOP_BUSY, 0);
  const g = new ThreadGroup();
  const s = g.spawn<f64, i32>(sleepAndStop, ms);
  for (let i = 0; i < crunchers; i++) g.spawn<f64, i32>(cruncher, spinMs);
  g.join();
  return s.get();
}
