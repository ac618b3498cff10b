// The demo guest: plain blocking code, run as virtual threads across several workers.
import { ThreadGroup, Future, sleep, yieldNow, now, threadId } from "vthreads";

/** Pretends to download page `i`: waits like I/O would (sleep), then returns its size. */
function fetchPage(i: i32): i32 {
  sleep(<f64>(5 + (i * 37) % 40));
  return 1000 + i;
}

/** Downloads n pages at once, one virtual thread each; returns the total size. */
export function downloadAll(n: i32): i64 {
  const g = new ThreadGroup();
  const pages = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) pages.push(g.spawn<i32, i32>(fetchPage, i));
  g.join();
  let total: i64 = 0;
  for (let i = 0; i < n; i++) total += pages[i].get();
  return total;
}

function busy(rounds: i32): i32 {
  let x = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 1000; i++) x = (x * 31 + i) & 0xffff;
    yieldNow(); // let the others run: scheduling is cooperative
  }
  return x;
}

/** Spawns n threads that each compute and yield `rounds` times; returns how long it took (ms). */
export function crowd(n: i32, rounds: i32): f64 {
  const t0 = now();
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(busy, rounds);
  g.join();
  return now() - t0;
}

function unreliable(i: i32): i32 {
  sleep(<f64>i);
  if (i == 3) throw new Error("page 3 is unavailable");
  return i;
}

/** One child fails: joining the group fails this thread, and the call rejects with the child's message. */
export function downloadWithFailure(n: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(unreliable, i);
  g.join();
  return threadId(); // not reached
}
