// Guest of test/runtime/plain-guest.test.ts: exports that never block (no yield, sleep, join or get anywhere in the
// program). Each call still runs as a root virtual thread; it just never suspends.
import { threadId } from "vthreads";

export function add(a: i32, b: i32): i32 {
  return a + b;
}

export function fib(n: i32): i64 {
  let a: i64 = 0, b: i64 = 1;
  for (let i = 0; i < n; i++) {
    const t = a + b;
    a = b;
    b = t;
  }
  return a;
}

export function myId(): u32 {
  return threadId();
}
