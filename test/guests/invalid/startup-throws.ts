// Builds, but cannot start (test/runtime/bad-input.test.ts): its top-level code throws (it runs once, on one worker).
import { yieldNow } from "vthreads";

const READY: usize = memory.data(8);
if (atomic.load<i32>(READY) == 0) throw new Error("start-up failed on purpose");

export function f(): i32 {
  yieldNow();
  return 1;
}
