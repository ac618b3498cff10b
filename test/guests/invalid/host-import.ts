// Builds, but cannot start (test/runtime/bad-input.test.ts): it imports a host function vthreads does not provide.
import { yieldNow } from "vthreads";

// @ts-ignore: decorator
@external("env", "myHostFunction")
declare function myHostFunction(x: i32): i32;

export function f(x: i32): i32 {
  yieldNow();
  return myHostFunction(x);
}
