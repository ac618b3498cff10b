// Guest used by the runtime tests: groups, futures, yields, sleeps, failures.
import { ThreadGroup, Future, yieldNow, sleep, now, threadId } from "vthreads";

function double(x: i32): i32 {
  yieldNow();
  return x * 2;
}

/** Spawns n children that each yield once and double their index; returns the sum. */
export function fanOut(n: i32): i64 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<i32, i32>(double, i));
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += fs[i].get();
  return sum;
}

export function add(a: i32, b: f64): f64 {
  return <f64>a + b;
}

export function greet(name: string): string {
  yieldNow();
  return "hello, " + name;
}

export function sleepFor(ms: f64): f64 {
  const t0 = now();
  sleep(ms);
  return now() - t0;
}

export function myId(): u32 {
  return threadId();
}
