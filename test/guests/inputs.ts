// Guest of test/runtime/bad-input.test.ts: exports with one parameter of each kind, to be called wrongly.
import { yieldNow, sleep, now } from "vthreads";

export function add(a: i32, b: f64): f64 {
  return <f64>a + b;
}

export function greet(name: string): string {
  yieldNow();
  return "hello, " + name;
}

/** One parameter of most supported kinds; returns a checksum of them all. */
export function mixed(small: u8, big: i64, flag: bool, xs: Array<i32>, t: Int32Array, words: Array<string>): i64 {
  let s: i64 = <i64>small + big + (flag ? 1000 : 0);
  for (let i = 0; i < xs.length; i++) s += <i64>xs[i];
  for (let i = 0; i < t.length; i++) s += <i64>t[i] * 10;
  for (let i = 0; i < words.length; i++) s += <i64>words[i].length * 100;
  return s;
}

export function sleepFor(ms: f64): f64 {
  const t0 = now();
  sleep(ms);
  return now() - t0;
}

export function nothing(): void {}
