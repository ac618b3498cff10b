// Guest of test/runtime/stress.test.ts: thousands of threads following pseudo-random schedules.
//
// Every thread's behaviour is a pure function of its argument (a seed and its depth), never of timing: it yields,
// sleeps 0..2 ms, spawns sub-groups and joins them, or spawns one child and waits on its future, as its xorshift
// stream says. So the test can replay the whole tree in JS (stress.test.ts, `simulate`) and know the exact result
// and the exact number of threads, whatever the interleaving on however many workers.
import { ThreadGroup, Future, yieldNow, sleep } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

const CELLS: usize = memory.data(16);
/** Task bodies started / finished (each must happen exactly once per task). */
const STARTS: usize = CELLS;
const ENDS: usize = CELLS + 4;

/** Tasks at this depth spawn no more children. */
const MAX_DEPTH: i32 = 3;

/** arg = depth << 32 | seed. Returns a checksum of everything the task and its descendants did. */
function task(arg: i64): i64 {
  atomic.add<i32>(STARTS, 1);
  const depth = <i32>(arg >>> 32);
  let x = <u32>arg;
  if (x == 0) x = 0x9e3779b9; // xorshift is stuck at 0
  let acc: i64 = <i64>x;
  x = xorshift(x);
  const steps = 1 + <i32>(x % 6);
  for (let s = 0; s < steps; s++) {
    x = xorshift(x);
    const r = x % 100;
    if (r < 35) {
      yieldNow();
      acc = acc * 3 + 1;
    } else if (r < 55) {
      sleep(<f64>((x >> 8) % 3));
      acc += 7;
    } else if (r < 70 && depth < MAX_DEPTH) {
      // A sub-group of 1..4 children, joined, then their futures read.
      const k = 1 + <i32>((x >> 8) % 4);
      const g = new ThreadGroup();
      const fs = new Array<Future<i64>>();
      for (let i = 0; i < k; i++) {
        x = xorshift(x);
        fs.push(g.spawn<i64, i64>(task, (<i64>(depth + 1) << 32) | <i64>x));
      }
      g.join();
      for (let i = 0; i < k; i++) acc += fs[i].get();
    } else if (r < 80 && depth < MAX_DEPTH) {
      // One child whose future is read BEFORE the group is joined.
      x = xorshift(x);
      const g = new ThreadGroup();
      const f = g.spawn<i64, i64>(task, (<i64>(depth + 1) << 32) | <i64>x);
      acc ^= f.get();
      g.join();
    } else {
      acc = acc * 31 + <i64>r;
    }
  }
  atomic.add<i32>(ENDS, 1);
  return acc;
}

/** `n` top-level tasks with seeds drawn from `seed`; the wrapping sum of their checksums. */
export function stress(seed: u32, n: i32): i64 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i64>>();
  let x = seed == 0 ? <u32>1 : seed;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    fs.push(g.spawn<i64, i64>(task, <i64>x));
  }
  g.join();
  let total: i64 = 0;
  for (let i = 0; i < n; i++) total += fs[i].get();
  return total;
}

/** [task bodies started, task bodies finished] since the module started. */
export function counters(): Array<i32> {
  return [atomic.load<i32>(STARTS), atomic.load<i32>(ENDS)];
}
