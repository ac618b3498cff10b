// Threads that end every way a thread can end, many times over: for the JSPI stack-leak tests
// (test/runtime/jspi-stack-leak.test.ts) and its soak mode (1,000,000 cancelled waits). Each kind makes one
// child per round and ends it a different way; the parent counts the rounds that ended as expected.
import { ThreadGroup, Channel, yieldNow, withTimeout, sleep, callHost, HostArgs, callbackIndex } from "vthreads";

// @ts-ignore: decorator
@external("host_sync", "callOnce") declare function callOnce(cb: i32, arg: i32): i32;

/** Runs inside a synchronous host function's callback: its wait pins the thread. */
function pinnedWait(ch: i32): i32 {
  return changetype<Channel<i32>>(<usize>ch).recv();
}

function pinnedWaiter(ch: Channel<i32>): i32 {
  return callOnce(callbackIndex(pinnedWait), <i32>changetype<usize>(ch));
}

function waiter(ch: Channel<i32>): i32 {
  return ch.recv();
}

function failer(ch: Channel<i32>): i32 {
  yieldNow(); // suspended once, so the failure ends a stack that has been switched out
  abort("churn failure");
  return 0;
}

function sender(ch: Channel<i32>): i32 {
  ch.send(1);
  return 1;
}

function hostWaiter(ch: Channel<i32>): i32 {
  return callHost("never", HostArgs.of()).i32(); // parked in a host call that never settles
}

function sleeper(ch: Channel<i32>): i32 {
  sleep(1000);
  return 1;
}

function failedJoiner(ch: Channel<i32>): i32 {
  const g = new ThreadGroup();
  g.spawn<Channel<i32>, i32>(failer, ch);
  g.join(); // fails this thread through the scheduler (no trap): a REASON_EXIT suspension
  return 0;
}

/** Kinds: 0 returns after a wake-up, 1 traps, 2 fails by joining a failed group, 3 cancelled by a deadline while
 * waiting in recv, 4 cancelled by its group while waiting, 5 cancelled while parked in a host call, 6 cancelled
 * while sleeping, 7 cancelled by a deadline while pinned (waiting inside a synchronous host function's callback). */
export function churn(n: i32, kind: i32): i32 {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const g = new ThreadGroup();
    const ch = new Channel<i32>(0);
    if (kind == 0) {
      g.spawn<Channel<i32>, i32>(sender, ch);
      s += ch.recv();
      g.join();
    } else if (kind == 1 || kind == 2) {
      g.spawn<Channel<i32>, i32>(kind == 1 ? failer : failedJoiner, ch);
      if (!g.tryJoin()) s += 1;
    } else if (kind == 3 || kind == 7) {
      const f = withTimeout<Channel<i32>, i32>(0.05, kind == 3 ? waiter : pinnedWaiter, ch);
      if (f.cancelled) s += 1;
      g.join();
    } else {
      g.spawn<Channel<i32>, i32>(kind == 4 ? waiter : kind == 5 ? hostWaiter : sleeper, ch);
      yieldNow();
      if (kind == 5) yieldNow(); // the host call has started
      g.cancel();
      g.join();
      s += 1;
    }
  }
  return s;
}

/** A full collection of the JS heap of the worker that runs this (test/guests/churn-host.mjs); its thread id. */
export function collectJs(): i32 {
  return callHost("collectJs", HostArgs.of()).i32();
}

/** A root call that fails after its child ended. */
export function failsAfter(kind: i32): i32 {
  churn(1, kind);
  abort("root failure");
  return 0;
}
