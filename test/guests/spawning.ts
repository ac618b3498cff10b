// Guest of test/runtime/scale.test.ts and migration.test.ts: many threads, trees of groups, and threads that
// suspend often while carrying state in their locals (so that a resume on another worker must restore it).
import { ThreadGroup, Future, yieldNow, sleep } from "vthreads";

const CELLS: usize = memory.data(32);
/** Tree nodes whose body started / finished. */
const NODES_STARTED: usize = CELLS;
const NODES_FINISHED: usize = CELLS + 4;

/** n children that each yield once and return twice their index; the sum of their results (n·(n-1)). */
export { fanOut } from "./basics";

/**
 * A tree node: arg = levels below << 56 | fan << 48 | label. Yields, spawns `fan` children labelled label·fan + i + 1
 * into its own group, joins them, and returns its label plus the sum of its children's results.
 */
function node(arg: i64): i64 {
  atomic.add<i32>(NODES_STARTED, 1);
  const levels = <i32>(arg >>> 56);
  const fan = <i64>((arg >>> 48) & 0xff);
  const label = arg & 0xffff_ffff_ffff;
  yieldNow();
  let total = label;
  if (levels > 0) {
    const g = new ThreadGroup();
    const fs = new Array<Future<i64>>();
    for (let i: i64 = 0; i < fan; i++) {
      fs.push(g.spawn<i64, i64>(node, (<i64>(levels - 1) << 56) | (fan << 48) | (label * fan + i + 1)));
    }
    g.join();
    for (let i = 0; i < fs.length; i++) total += fs[i].get();
  }
  atomic.add<i32>(NODES_FINISHED, 1);
  return total;
}

/** A tree `levels` deep below the root with `fan` children per node; the sum of all labels (root label 0). */
export function tree(levels: i32, fan: i32): i64 {
  atomic.store<i32>(NODES_STARTED, 0);
  atomic.store<i32>(NODES_FINISHED, 0);
  return node((<i64>levels << 56) | (<i64>fan << 48));
}

/** [nodes started, nodes finished] of the last `tree` call. */
export function treeCounters(): Array<i32> {
  return [atomic.load<i32>(NODES_STARTED), atomic.load<i32>(NODES_FINISHED)];
}

// --- migration

/** One step of a 64-bit LCG (Knuth's MMIX constants), wrapping. */
function lcg(x: i64): i64 {
  return x * 6364136223846793005 + 1442695040888963407;
}

/**
 * The innermost of three frames that each hold state: suspends `rounds` times (a yield, or every 8th round a 1 ms
 * sleep) while evolving an i64 and an f64 local. See `expectedMigrant` in migration.test.ts.
 */
function migrantInner(seed: i64, rounds: i32): i64 {
  let acc: i64 = seed;
  let f: f64 = <f64>(seed & 0xffff);
  for (let i = 0; i < rounds; i++) {
    acc = lcg(acc);
    f = f * 0.5 + <f64>i;
    if ((i & 7) == 7) sleep(1);
    else yieldNow();
  }
  return acc ^ <i64>f;
}

function migrantMiddle(seed: i64, rounds: i32): i64 {
  const before: i64 = lcg(seed ^ 0x5555); // live across every suspension below
  const r = migrantInner(seed, rounds);
  return r + before;
}

function migrant(arg: i64): i64 {
  const rounds = <i32>(arg >>> 48);
  const seed = arg & 0xffff_ffff;
  const mark: f64 = <f64>seed * 1.25; // live across every suspension below
  const r = migrantMiddle(seed, rounds);
  return r + <i64>(mark * 4.0); // + 5·seed
}

/** `threads` migrants with seeds 1..threads; the sum of their results (wrapping i64). */
export function migrate(threads: i32, rounds: i32): i64 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i64>>();
  for (let i = 1; i <= threads; i++) fs.push(g.spawn<i64, i64>(migrant, (<i64>rounds << 48) | <i64>i));
  g.join();
  let total: i64 = 0;
  for (let i = 0; i < threads; i++) total += fs[i].get();
  return total;
}

/** One migrant as a root call (the root thread itself moves between workers). */
export function migrateRoot(seed: i32, rounds: i32): i64 {
  return migrant((<i64>rounds << 48) | <i64>seed);
}
