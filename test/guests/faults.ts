// Guests for test/runtime/worker-death.test.ts: a call that kills the worker running it (test/guests/faults-host.mjs)
// and calls that would otherwise never end, whose threads sit on any worker.
import { ThreadGroup, Channel, callHost, HostArgs } from "vthreads";

/** Kind 0: process.exit(3) in the worker; 1: an uncaught exception from the host module; 2: the JS heap runs out. */
export function kill(kind: i32): i32 {
  if (kind == 0) return callHost("exitWorker", HostArgs.of().i32(3)).i32();
  if (kind == 1) return callHost("throwLater", HostArgs.of().str("host module failed after start")).i32();
  return callHost("exhaustHeap", HostArgs.of()).i32();
}

function waitOn(ch: Channel<i32>): i32 {
  return ch.recv();
}

function waitInHost(unused: i32): i32 {
  return callHost("never", HostArgs.of()).i32();
}

/** Never returns: children blocked on a channel and in a host call, wherever they run. */
export function hang(children: i32): i32 {
  const g = new ThreadGroup();
  const ch = new Channel<i32>(0);
  for (let i = 0; i < children; i++) {
    // A host call in flight keeps the channel waiters from being a deadlock (which would end the call).
    if (i % 2 == 0) g.spawn<i32, i32>(waitInHost, i);
    else g.spawn<Channel<i32>, i32>(waitOn, ch);
  }
  g.join();
  return 0;
}

export function answer(): i32 {
  return 42;
}
