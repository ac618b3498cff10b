// Guest of test/runtime/failures.test.ts: threads that trap, throw or abort, and what their parents see.
import { ThreadGroup, Future, yieldNow, sleep } from "vthreads";

/** How a thread fails (the `kind` argument). */
const UNREACHABLE = 0;
const DIVIDE_BY_ZERO = 1;
const THROW = 2;
const ABORT = 3;
const OUT_OF_BOUNDS = 4;

const CELLS: usize = memory.data(24);
/** Set by threads that must NOT run past a failure point. */
const AFTER_FAILURE: usize = CELLS;
/** Children of `siblingsOfFailure` that finished. */
const SIBLINGS_DONE: usize = CELLS + 4;
/** 1 once `siblingsOfFailure` has spawned every sibling. */
const ALL_SPAWNED: usize = CELLS + 8;
/** The id of the child the last `joinFailedChild` spawned. */
const LAST_CHILD: usize = CELLS + 12;
/** The ids of the child and the grandchild the last `grandchildFails` spawned. */
const CHAIN_MIDDLE: usize = CELLS + 16;
const CHAIN_GRANDCHILD: usize = CELLS + 20;

// The failure kinds. Arguments come from the host, so the optimiser cannot fold a failure away.
function failNow(kind: i32, divisor: i32): i32 {
  if (kind == UNREACHABLE) unreachable();
  if (kind == DIVIDE_BY_ZERO) return 100 / divisor;
  if (kind == THROW) throw new Error("boom from kind " + kind.toString());
  if (kind == ABORT) abort("aborted on purpose");
  if (kind == OUT_OF_BOUNDS) return load<i32>(<usize>0xFFFF_FFF0 - <usize>divisor);
  return kind;
}

/** Fails after a suspension (the thread was resumed, possibly on another worker, before it failed). */
function fail(kind: i32, divisor: i32): i32 {
  yieldNow();
  return failNow(kind, divisor);
}

/** The root call's thread fails on its first run, before any suspension. */
export function failRootImmediately(kind: i32, divisor: i32): i32 {
  const r = failNow(kind, divisor);
  atomic.store<i32>(AFTER_FAILURE, 1);
  return r;
}

/** The root call's own thread fails. `divisor` is 0 in the tests (and the divisor of DIVIDE_BY_ZERO). */
export function failRoot(kind: i32, divisor: i32): i32 {
  const r = fail(kind, divisor);
  atomic.store<i32>(AFTER_FAILURE, 1);
  return r;
}

function failingChild(arg: i64): i32 {
  return fail(<i32>(arg >> 32), <i32>arg);
}

/** A child fails; the parent joins the group. Fails with the child's failure. */
export function joinFailedChild(kind: i32, divisor: i32): i32 {
  const g = new ThreadGroup();
  const f = g.spawn<i64, i32>(failingChild, (<i64>kind << 32) | <i64>divisor);
  atomic.store<u32>(LAST_CHILD, f.thread);
  g.join();
  atomic.store<i32>(AFTER_FAILURE, 1);
  return 1;
}

/** A child fails; the parent calls get() on its future (without joining first). */
export function getFailedChild(kind: i32, divisor: i32): i32 {
  const g = new ThreadGroup();
  const f = g.spawn<i64, i32>(failingChild, (<i64>kind << 32) | <i64>divisor);
  const r = f.get();
  atomic.store<i32>(AFTER_FAILURE, 1);
  return r;
}

/** Wait (without join/get) until the child failed, then try to spawn again into the failed group. */
function harmless(x: i32): i32 {
  return x;
}
export function spawnOnFailedGroup(kind: i32): i32 {
  const g = new ThreadGroup();
  const f = g.spawn<i64, i32>(failingChild, <i64>kind << 32);
  while (!f.done) yieldNow();
  if (!g.failed) return -1; // the group must know
  g.spawn<i32, i32>(harmless, 1); // refused: fails this thread
  atomic.store<i32>(AFTER_FAILURE, 1);
  return 2;
}

/** Whether code after a failure point ran (it must not); resets the flag. */
export function ranAfterFailure(): i32 {
  return atomic.xchg<i32>(AFTER_FAILURE, 0);
}

/** Which thread failed: a parent that joins reports the first failure's thread id; returns the child's id. */
/** The id of the child the last joinFailedChild spawned. */
export function lastChildId(): u32 {
  return atomic.load<u32>(LAST_CHILD);
}

export function childIdOfFailure(kind: i32): u32 {
  const g = new ThreadGroup();
  const f = g.spawn<i64, i32>(failingChild, <i64>kind << 32);
  g.tryJoin(); // handles the failure: an unjoined failed group would fail this thread as it ends
  return f.thread;
}

/**
 * One of `n` siblings fails early; the others would sleep for a day. The failure cancels them (their sleep ends
 * them at once, so nothing after it runs), and join fails only after they have ended.
 * The failing one waits until all are spawned: failing sooner would (rightly) make the parent's next spawn refused.
 */
function sibling(i: i32): i32 {
  if (i == 0) {
    while (atomic.load<i32>(ALL_SPAWNED) == 0) yieldNow();
    unreachable();
  }
  sleep(86_400_000);
  atomic.add<i32>(SIBLINGS_DONE, 1); // never reached: the sleep is cancelled
  return i;
}
export function siblingsOfFailure(n: i32): i32 {
  atomic.store<i32>(SIBLINGS_DONE, 0);
  atomic.store<i32>(ALL_SPAWNED, 0);
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(sibling, i);
  atomic.store<i32>(ALL_SPAWNED, 1);
  g.join();
  return 0;
}
export function siblingsDone(): i32 {
  return atomic.load<i32>(SIBLINGS_DONE);
}

/** A failure two levels down travels up through both joins, each adding its "thread N failed:" prefix. */
function middle(kind: i32): i32 {
  const g = new ThreadGroup();
  atomic.store<u32>(CHAIN_GRANDCHILD, g.spawn<i64, i32>(failingChild, <i64>kind << 32).thread);
  g.join();
  return 0;
}
export function grandchildFails(kind: i32): i32 {
  const g = new ThreadGroup();
  atomic.store<u32>(CHAIN_MIDDLE, g.spawn<i32, i32>(middle, kind).thread);
  g.join();
  return 0;
}

/** The ids of the last `grandchildFails`'s child and grandchild. */
export function chainIds(): Array<u32> {
  return [atomic.load<u32>(CHAIN_MIDDLE), atomic.load<u32>(CHAIN_GRANDCHILD)];
}

/** Many calls fail at once while others succeed (see the test). */
export function succeed(x: i32): i32 {
  yieldNow();
  return x * 3;
}

/** sleep with a bad duration fails the thread with a clear message. */
export function badSleep(ms: f64): i32 {
  sleep(ms);
  return 1;
}

/** A child's future can be read after its group was joined, and a healthy group works after a failed one. */
function triple(x: i32): i32 {
  yieldNow();
  return x * 3;
}
export function healthyAfterFailedGroup(kind: i32): i32 {
  const bad = new ThreadGroup();
  bad.spawn<i64, i32>(failingChild, <i64>kind << 32);
  if (bad.tryJoin()) return -1; // it must have failed
  const good = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < 10; i++) fs.push(good.spawn<i32, i32>(triple, i));
  good.join();
  let s = 0;
  for (let i = 0; i < 10; i++) s += fs[i].get();
  return s; // 3·45 = 135
}
