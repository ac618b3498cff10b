// Spawning: a virtual thread runs one guest function with one argument (AssemblyScript has no closures).
// The thread record holds the function, the argument as 64 bits, and a call kind saying which Wasm signature the
// function has; the scheduler calls it directly (scheduler/enter.ts), so the guest function is the bottom frame of
// the thread's stack and no trampoline frame is saved and restored on every switch.

import { newThread, threadId } from "../scheduler/thread";
import { callKind } from "../scheduler/enter";
import { FutureBase } from "./future";
import { toBits } from "./bits";
import * as runqueue from "../scheduler/runqueue";

/** Creates and queues a thread running fn(arg) for `group`, its result going to `future`; 0 when out of memory. */
export function spawnThread<A, R>(fn: (arg: A) => R, arg: A, group: usize, future: usize): usize {
  const t = newThread(callKind<A, R>(), changetype<usize>(fn), toBits<A>(arg), group, future, 0);
  if (t == 0) return 0;
  changetype<FutureBase>(future).thread = threadId(t);
  runqueue.push(t);
  return t;
}
