// Ping-pong guest: two virtual threads on ONE worker each call yieldNow() n times. On a one-worker
// FIFO run queue they strictly alternate, so one run is 2n switches (one yield = one switch).
// The yield happens `depth` guest frames down: depth 1 = the thread's entry function itself yields.
//
// AssemblyScript has no closures and a spawned function takes one argument, so (depth, player id, n)
// are packed into one i64:  depth << 40 | me << 32 | n.
import { ThreadGroup, Future, yieldNow } from "vthreads";

// Shared cells in linear memory (a module-level `let` would be per worker). Same address in every
// instance. LAST: id of the player that ran last; VIOLATIONS: how often a player ran twice in a row.
const CELLS: usize = memory.data(16);
const LAST: usize = CELLS;
const VIOLATIONS: usize = CELLS + 4;

function pack(depth: i32, me: i32, n: i32): i64 {
  return (<i64>depth << 40) | (<i64>me << 32) | (<i64>n & 0xffffffff);
}

function player(arg: i64): i64 {
  const depth = <i32>(arg >>> 40);
  if (depth > 1) {
    // Recurse; the addition after the call keeps every frame live on the suspended stack (it cannot
    // be turned into a tail call or flattened), so Asyncify really saves/restores `depth` frames.
    return player(arg - (<i64>1 << 40)) + <i64>depth;
  }
  const me = <i32>((arg >>> 32) & 0xff);
  const n = <i32>(arg & 0xffffffff);
  let acc: i64 = 0;
  for (let i = 0; i < n; i++) {
    // Plain (non-atomic) accesses on purpose: both players run on one worker. This is the same
    // bookkeeping the JS baseline does with its `turn` variable.
    if (load<i32>(LAST) == me) store<i32>(VIOLATIONS, load<i32>(VIOLATIONS) + 1);
    store<i32>(LAST, me);
    acc += <i64>i;
    yieldNow();
  }
  return acc;
}

/** Returns the sum of both players' results, or -(number of non-alternations) if they did not alternate. */
export function pingpong(n: i32, depth: i32): i64 {
  if (n < 0 || depth < 1 || depth > 255) abort("pingpong: bad arguments");
  store<i32>(LAST, 0);
  store<i32>(VIOLATIONS, 0);
  const g = new ThreadGroup();
  const a: Future<i64> = g.spawn<i64, i64>(player, pack(depth, 1, n));
  const b: Future<i64> = g.spawn<i64, i64>(player, pack(depth, 2, n));
  g.join();
  const v = load<i32>(VIOLATIONS);
  if (v != 0) return -<i64>v;
  return a.get() + b.get();
}
