// Spawning: a virtual thread runs one guest function with one argument (AssemblyScript has no closures).
// The thread record holds the argument as 64 bits and the address of a trampoline generated per <A, R> pair,
// which knows how to call the function and where to put its result.

import { newThread, T_FN, T_ARG, T_FUTURE, threadId } from "../scheduler/thread";
import { Future, FutureBase } from "./future";
import * as runqueue from "../scheduler/runqueue";

// @ts-ignore: decorator
@inline export function toBits<A>(a: A): u64 {
  if (isReference<A>()) return <u64>changetype<usize>(a);
  if (isFloat<A>()) {
    if (sizeof<A>() == 4) return <u64>reinterpret<u32>(<f32>a);
    return reinterpret<u64>(<f64>a);
  }
  return <u64>a;
}

// @ts-ignore: decorator
@inline export function fromBits<A>(bits: u64): A {
  if (isReference<A>()) return changetype<A>(<usize>bits);
  if (isFloat<A>()) {
    if (sizeof<A>() == 4) return <A>reinterpret<f32>(<u32>bits);
    return <A>reinterpret<f64>(bits);
  }
  return <A>bits;
}

/** Creates and queues a thread running fn(arg) for `group`, its result going to `future`; 0 when out of memory. */
export function spawnThread<A, R>(fn: (arg: A) => R, arg: A, group: usize, future: usize): usize {
  const entry = (t: usize): void => {
    const f = changetype<(arg: A) => R>(load<usize>(t, T_FN));
    const a = fromBits<A>(load<u64>(t, T_ARG));
    if (isVoid<R>()) {
      f(a);
    } else {
      const r = f(a);
      changetype<Future<R>>(load<usize>(t, T_FUTURE)).value = r;
    }
  };
  const t = newThread(entry.index, changetype<usize>(fn), toBits<A>(arg), group, future, 0);
  if (t == 0) return 0;
  changetype<FutureBase>(future).thread = threadId(t);
  runqueue.push(t);
  return t;
}
