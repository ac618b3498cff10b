// Guest of test/runtime/resume.test.ts and stack.test.ts: threads that suspend deep in a call stack, and
// recursion that never ends.
//
// Counters live in linear memory (`memory.data`), shared by every worker; a module-level `let` would be per worker.
import { ThreadGroup, Future, yieldNow, sleep } from "vthreads";

const CELLS: usize = memory.data(64);
/** Times the body of a deep-yield thread started (must equal the threads spawned: a resume never restarts it). */
const BODY_RUNS: usize = CELLS;
/** Times any `descend` frame was entered (must be threads × depth: a resume never re-enters a frame). */
const FRAME_ENTRIES: usize = CELLS + 8;
/** Times the root of `deepYield` started. */
const ROOT_RUNS: usize = CELLS + 16;
/** Deepest frame reached by `recurseForever`/`recurseYielding` (to show the overflow was deep, not an early trap). */
const DEEPEST: usize = CELLS + 24;

function frameValue(depth: i32, seed: i64): i64 {
  return <i64>depth * 1_000_003 + seed * 7 + <i64>(depth * depth);
}

/**
 * Recurses to `target`, yields `yields` times there, and on the way back each frame adds values it computed BEFORE
 * the yield (an i64, an f64 and an i32 local): wrong if any frame's locals were not restored on resume.
 */
function descend(depth: i32, target: i32, yields: i32, seed: i64): i64 {
  atomic.add<i32>(FRAME_ENTRIES, 1);
  const mine: i64 = frameValue(depth, seed); // locals of every frame, live across the suspension
  const half: f64 = <f64>mine * 0.5;
  const small: i32 = depth ^ 0x55;
  let below: i64 = 0;
  if (depth == target) {
    for (let i = 0; i < yields; i++) {
      if ((i & 7) == 7) sleep(0); // park on the timer heap now and then, not only the run queue
      else yieldNow();
      below += <i64>i;
    }
  } else {
    below = descend(depth + 1, target, yields, seed);
  }
  return below + mine * 3 + <i64>(half * 2.0) + <i64>small; // = below + 4 * mine + small
}

function deepBody(arg: i64): i64 {
  atomic.add<i32>(BODY_RUNS, 1);
  const depth = <i32>(arg >> 48);
  const yields = <i32>((arg >> 32) & 0xffff);
  const seed = arg & 0xffffffff;
  return descend(1, depth, yields, seed);
}

/**
 * Spawns `threads` threads that each recurse `depth` frames deep and suspend `yields` times at the bottom; returns the
 * sum of their results. See `expectedDeepYield` in resume.test.ts for the value.
 */
export function deepYield(threads: i32, depth: i32, yields: i32): i64 {
  atomic.add<i32>(ROOT_RUNS, 1);
  const g = new ThreadGroup();
  const fs = new Array<Future<i64>>();
  for (let i = 0; i < threads; i++) {
    fs.push(g.spawn<i64, i64>(deepBody, (<i64>depth << 48) | (<i64>yields << 32) | <i64>(i + 1)));
  }
  g.join();
  let total: i64 = 0;
  for (let i = 0; i < threads; i++) total += fs[i].get();
  return total;
}

/** The root thread itself suspends `depth` frames deep. */
export function deepYieldInRoot(depth: i32, yields: i32, seed: i32): i64 {
  atomic.add<i32>(ROOT_RUNS, 1);
  return descend(1, depth, yields, <i64>seed);
}

/** [root runs, body runs, frame entries] */
export function deepCounters(): Array<i32> {
  return [atomic.load<i32>(ROOT_RUNS), atomic.load<i32>(BODY_RUNS), atomic.load<i32>(FRAME_ENTRIES)];
}

export function resetDeepCounters(): void {
  atomic.store<i32>(ROOT_RUNS, 0);
  atomic.store<i32>(BODY_RUNS, 0);
  atomic.store<i32>(FRAME_ENTRIES, 0);
}

// --- stack overflow

function noteDepth(n: i32): void {
  if (n > atomic.load<i32>(DEEPEST)) atomic.store<i32>(DEEPEST, n);
}

/** Never suspends, so Asyncify leaves it uninstrumented: overflows the worker's native stack. */
function recurseForever(n: i32): i32 {
  if ((n & 255) == 0) noteDepth(n);
  return recurseForever(n + 1) + n;
}

/** Instrumented (it can suspend): yields every 1000 frames, so its saved stack keeps growing until it overflows. */
function recurseYielding(n: i32): i32 {
  if ((n & 255) == 0) noteDepth(n);
  if (n % 1000 == 999) yieldNow();
  return recurseYielding(n + 1) + n;
}

export function overflow(): i32 {
  atomic.store<i32>(DEEPEST, 0);
  return recurseForever(1);
}

export function overflowWhileYielding(): i32 {
  atomic.store<i32>(DEEPEST, 0);
  return recurseYielding(1);
}

/** A child overflows; its parent joins it (and fails with the child's message). */
function overflowChild(x: i32): i32 {
  return recurseForever(x);
}
export function overflowInChild(): i32 {
  const g = new ThreadGroup();
  g.spawn<i32, i32>(overflowChild, 1);
  g.join();
  return 0;
}

export function deepestFrame(): i32 {
  return atomic.load<i32>(DEEPEST);
}

/**
 * First suspends one frame deep (a small saved stack), then `depth` frames deep `yields` times: the second save needs a
 * larger block than the first (a stack growth). Returns the same value as deepYieldInRoot(depth, yields, seed).
 */
function shallowThenDeep(arg: i64): i64 {
  yieldNow();
  const depth = <i32>(arg >> 48);
  const yields = <i32>((arg >> 32) & 0xffff);
  return descend(1, depth, yields, arg & 0xffffffff);
}
export function growStack(threads: i32, depth: i32, yields: i32): i64 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i64>>();
  for (let i = 0; i < threads; i++) {
    fs.push(g.spawn<i64, i64>(shallowThenDeep, (<i64>depth << 48) | (<i64>yields << 32) | <i64>(i + 1)));
  }
  g.join();
  let total: i64 = 0;
  for (let i = 0; i < threads; i++) total += fs[i].get();
  return total;
}

export function ping(x: i32): i32 {
  yieldNow();
  return x + 1;
}

function sleepThenOne(ms: i32): i32 {
  sleep(<f64>ms);
  return 1;
}

/**
 * Spawns `n` threads that each sleep `ms` and returns how many finished. When `ms` outlasts the spawning, all n hold a
 * stack at once: on JSPI that is n engine stacks (the browser test of jspiStackLimit).
 */
export function sleepers(n: i32, ms: i32): i32 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<i32, i32>(sleepThenOne, ms));
  g.join();
  let done = 0;
  for (let i = 0; i < n; i++) done += fs[i].get();
  return done;
}
