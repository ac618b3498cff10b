// Spawning: a virtual thread runs one guest function with one argument (AssemblyScript has no closures).
// The thread record holds the argument as 64 bits and the address of a trampoline generated per <A, R> pair,
// which knows how to call the function and where to put its result.

import { newThread, T_FN, T_ARG, T_FUTURE, threadId } from "../scheduler/thread";
import { Future, FutureBase } from "./future";
import { toBits, fromBits } from "./bits";
import * as runqueue from "../scheduler/runqueue";

/** Creates and queues a thread running fn(arg) for `group`, its result going to `future`; 0 when out of memory. */
export function spawnThread<A, R>(fn: (arg: A) => R, arg: A, group: usize, future: usize): usize {
  const entry = (t: usize): void => {
    const f = changetype<(arg: A) => R>(load<usize>(t, T_FN));
    const a = fromBits<A>(load<u64>(t, T_ARG));
    if (isVoid<R>()) {
      f(a);
    } else {
      changetype<Future<R>>(load<usize>(t, T_FUTURE)).set(f(a));
    }
  };
  const t = newThread(entry.index, changetype<usize>(fn), toBits<A>(arg), group, future, 0);
  if (t == 0) return 0;
  changetype<FutureBase>(future).thread = threadId(t);
  runqueue.push(t);
  return t;
}
