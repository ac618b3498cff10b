// Pinned threads (test/runtime/pinning.test.ts): a thread that blocks inside a callback of a synchronous host
// function (test/guests/pinning-host.mjs) is pinned to its worker, which keeps running the other threads.
import { ThreadGroup, Future, Mutex, Channel, Event, sleep, yieldNow, callbackIndex, callHost, HostArgs } from "vthreads";

@external("host_sync", "forEach") declare function forEach(n: i32, callback: i32): i32;
@external("host_sync", "callOnce") declare function callOnce(callback: i32, arg: i32): i32;
@external("host_sync", "swallow") declare function swallow(callback: i32): i32;

// Shared cells (static data is shared by every worker; module variables are not). Each holds an object's address;
// the objects are kept alive by the root thread's locals.
const CHANNEL = memory.data(8);
const EVENT = memory.data(8);
const MUTEX = memory.data(8);
const FUTURE = memory.data(8);
const COUNTER = memory.data(8);
const PINNED = memory.data(8);

function channel(): Channel<i32> { return changetype<Channel<i32>>(load<usize>(CHANNEL)); }
function event(): Event { return changetype<Event>(load<usize>(EVENT)); }
function mutex(): Mutex<i32> { return changetype<Mutex<i32>>(load<usize>(MUTEX)); }

// --- callbacks: (i32) => i32, each may block ---
function recvCb(i: i32): i32 { atomic.add<i32>(PINNED, 1); return channel().recv() + i; }
function sleepCb(i: i32): i32 { atomic.add<i32>(PINNED, 1); sleep(20); return 100 + i; }
function mutexCb(i: i32): i32 {
  atomic.add<i32>(PINNED, 1);
  const g = mutex().lock();
  const v = g.value + i;
  g.unlock();
  return v;
}
function futureCb(i: i32): i32 { atomic.add<i32>(PINNED, 1); return changetype<Future<i32>>(load<usize>(FUTURE)).get() + i; }
function eventCb(i: i32): i32 { atomic.add<i32>(PINNED, 1); event().wait(); return i + 1; }

function pinnedThread(mode: i32): i32 {
  let cb = 0;
  if (mode == 0) cb = callbackIndex(recvCb);
  else if (mode == 1) cb = callbackIndex(sleepCb);
  else if (mode == 2) cb = callbackIndex(mutexCb);
  else cb = callbackIndex(futureCb);
  return forEach(3, cb);
}

function other(i: i32): i32 {
  sleep(i % 5);
  yieldNow();
  let x = i;
  for (let k = 0; k < 100; k++) x = (x * 31 + k) & 0xffff;
  atomic.add<i32>(COUNTER, 1);
  return i;
}

function slowValue(v: i32): i32 { sleep(30); return v; }

/**
 * A thread pinned in a callback (mode 0 channel recv, 1 sleep, 2 mutex, 3 future) while `others` threads run, sleep
 * and finish; then the root wakes it. Returns "pinnedResult,othersFinished,othersFinishedBeforeWake".
 */
export function pinnedDoesNotStopOthers(mode: i32, others: i32): string {
  const ch = new Channel<i32>();
  const m = new Mutex<i32>(40, "pinlock");
  const g = m.lock(); // held by the root until the others are done
  store<usize>(CHANNEL, changetype<usize>(ch));
  store<usize>(MUTEX, changetype<usize>(m));
  atomic.store<i32>(COUNTER, 0);
  atomic.store<i32>(PINNED, 0);
  const group = new ThreadGroup();
  const fut = group.spawn<i32, i32>(slowValue, 50);
  store<usize>(FUTURE, changetype<usize>(fut));
  const pinned = group.spawn<i32, i32>(pinnedThread, mode);
  while (atomic.load<i32>(PINNED) == 0) sleep(1); // it is pinned (or about to be)
  const sub = new ThreadGroup();
  for (let i = 0; i < others; i++) sub.spawn<i32, i32>(other, i);
  sub.join();
  const before = atomic.load<i32>(COUNTER);
  for (let i = 0; i < 3; i++) ch.send(10);
  g.unlock();
  group.join();
  return pinned.get().toString() + "," + atomic.load<i32>(COUNTER).toString() + "," + before.toString();
}

function waitEventThread(n: i32): i32 {
  return callOnce(callbackIndex(eventCb), n);
}
function setLater(ms: i32): i32 { sleep(ms); event().set(); return 0; }

/**
 * A pinned thread waits on an event that a sibling sets after `ms`. Returns the pinned thread's result. The sibling
 * is spawned once the waiter is pinned. With `spin` (JSPI, where a pinned worker runs no other thread) this thread
 * waits for that without suspending, so that neither it nor the sibling has run on the worker the waiter pins: a
 * thread that has suspended on a worker resumes only there. Otherwise it yields (Asyncify: a pinned worker runs the
 * others in a nested loop).
 */
export function pinnedForDump(ms: i32, spin: bool): i32 {
  const e = new Event("release");
  store<usize>(EVENT, changetype<usize>(e));
  atomic.store<i32>(PINNED, 0);
  const g = new ThreadGroup(0, "pins");
  const f = g.spawn<i32, i32>(waitEventThread, 41);
  while (atomic.load<i32>(PINNED) == 0) if (!spin) yieldNow();
  g.spawn<i32, i32>(setLater, ms);
  g.join();
  return f.get();
}

/** `n` threads each pinned on the event, nested on one worker; a sibling sets it once all are pinned. */
export function nestedPins(n: i32): string {
  const e = new Event("nest");
  store<usize>(EVENT, changetype<usize>(e));
  atomic.store<i32>(PINNED, 0);
  const g = new ThreadGroup(0, "nest");
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<i32, i32>(waitEventThread, i));
  // Wait for the pins without blocking the root on a primitive: sleep-poll.
  let waited = 0;
  while (atomic.load<i32>(PINNED) < n && waited < 2000) { sleep(2); waited += 2; }
  const pinnedCount = atomic.load<i32>(PINNED);
  e.set();
  g.tryJoin();
  let ok = 0, failed = 0, cancelled = 0;
  let message = "";
  for (let i = 0; i < n; i++) {
    if (fs[i].failed) { failed++; message = fs[i].failure!.message; }
    else if (fs[i].cancelled) cancelled++;
    else if (fs[i].get() == i + 1) ok++;
  }
  return pinnedCount.toString() + "," + ok.toString() + "," + failed.toString() + "," + cancelled.toString() + "," + message;
}

/** A pinned thread cancelled by its group. Returns "cancelled,siblingResult". */
export function cancelPinned(): string {
  const e = new Event("never");
  store<usize>(EVENT, changetype<usize>(e));
  atomic.store<i32>(PINNED, 0);
  const g = new ThreadGroup();
  const f = g.spawn<i32, i32>(waitEventThread, 1);
  while (atomic.load<i32>(PINNED) == 0) sleep(1);
  sleep(5);
  g.cancel();
  g.join();
  const g2 = new ThreadGroup();
  const s = g2.spawn<i32, i32>(slowValue, 9);
  g2.join();
  return (f.cancelled ? "cancelled" : "not cancelled") + "," + s.get().toString();
}

/** A root call pinned on an event nobody sets (the host cancels it with callWith's signal). */
export function pinnedForever(): i32 {
  const e = new Event("never");
  store<usize>(EVENT, changetype<usize>(e));
  const g = new ThreadGroup(0, "sleeper");
  g.spawn<i32, i32>(longSleep, 60_000); // a timer is pending: not a deadlock
  return callOnce(callbackIndex(eventCb), 0);
}
function longSleep(ms: i32): i32 { sleep(ms); return 0; }

function abortCb(i: i32): i32 {
  if (i == 1) { sleep(5); abort("callback " + i.toString() + " failed"); }
  return i;
}
function failingThread(n: i32): i32 { return forEach(n, callbackIndex(abortCb)); }
function swallowingThread(n: i32): i32 { return swallow(callbackIndex(abortCb2)) + n; }
function abortCb2(i: i32): i32 { sleep(1); abort("swallowed failure"); return i; }

/** A callback that blocks (pinned) and then fails. Returns the failure messages, then a later thread's result. */
export function failingCallback(): string {
  const g = new ThreadGroup();
  const f = g.spawn<i32, i32>(failingThread, 3);
  g.tryJoin();
  const g2 = new ThreadGroup();
  const f2 = g2.spawn<i32, i32>(swallowingThread, 1);
  g2.tryJoin();
  const g3 = new ThreadGroup();
  const f3 = g3.spawn<i32, i32>(slowValue, 5);
  g3.join();
  return (f.failed ? f.failure!.message : "ok") + "|" + (f2.failed ? f2.failure!.message : "ok " + f2.get().toString()) +
    "|" + f3.get().toString();
}

/** The callback index that is not a function. */
export function badCallback(): i32 {
  return callOnce(123456, 0);
}

function lockCb(i: i32): i32 {
  const g = mutex().lock(); // held by a thread that waits for this one: never granted
  g.unlock();
  return i;
}
function holdAndWait(f: i32): i32 {
  const g = mutex().lock();
  atomic.store<i32>(PINNED, 1);
  const r = changetype<Future<i32>>(load<usize>(FUTURE)).get(); // the pinned thread's result: never
  g.unlock();
  return r;
}
function pinnedLocker(i: i32): i32 {
  while (atomic.load<i32>(PINNED) == 0) sleep(1);
  return callOnce(callbackIndex(lockCb), i);
}

/**
 * Deadlock: a thread holds a mutex and waits for a pinned thread's result; the pinned thread, in a callback, waits
 * for the mutex.
 */
export function pinnedDeadlock(): i32 {
  const m = new Mutex<i32>(0, "held");
  store<usize>(MUTEX, changetype<usize>(m));
  atomic.store<i32>(PINNED, 0);
  const g = new ThreadGroup(0, "deadlock");
  const pinned = g.spawn<i32, i32>(pinnedLocker, 1);
  store<usize>(FUTURE, changetype<usize>(pinned));
  g.spawn<i32, i32>(holdAndWait, 0);
  g.join();
  return pinned.get();
}

/** Deadlock: the root call itself pinned on an event nobody will set. */
export function pinnedRootDeadlock(): i32 {
  const e = new Event("never set");
  store<usize>(EVENT, changetype<usize>(e));
  return callOnce(callbackIndex(eventCb), 0);
}

function hostCallCb(ms: i32): i32 {
  return callHost("delayed", HostArgs.of().i32(ms)).i32();
}
/** A pinned thread waits on an async host call of its own worker. */
export function pinnedHostCall(ms: i32): i32 {
  return callOnce(callbackIndex(hostCallCb), ms);
}

function hostCallThread(ms: i32): i32 { return callHost("delayed", HostArgs.of().i32(ms)).i32(); }
function futureOfHostCallCb(ms: i32): i32 {
  const g = new ThreadGroup();
  const f = g.spawn<i32, i32>(hostCallThread, ms);
  return f.get();
}
/** A pinned thread waits on a thread that waits on an async host call (of the pinned worker, on one worker). */
export function pinnedIndirectHostCall(ms: i32): i32 {
  return callOnce(callbackIndex(futureOfHostCallCb), ms);
}

// --- stress: seeded random schedule ---
const STRESS_CH = memory.data(8);
const STRESS_M = memory.data(8);

function xorshift(x: u32): u32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; }

// Only waits that a nested pin cannot invert: sleeps, yields, and futures of threads that never pin. (A mutex or a
// channel handed to a pinned thread while its worker runs a deeper pin that waits for the same thing would be a
// real deadlock by stack inversion: README, "Pinned threads".)
function stressCb(seed: i32): i32 {
  const r = xorshift(<u32>seed | 1);
  switch (r % 3) {
    case 0: sleep(<i32>(r >> 8) % 3); break;
    case 1: { yieldNow(); sleep(0); break; }
    default: {
      const g = new ThreadGroup();
      const f = g.spawn<i32, i32>(slowish, <i32>(r & 3));
      return f.get() + 1;
    }
  }
  atomic.add<i32>(STRESS_M, 1);
  return 1;
}
function slowish(ms: i32): i32 { sleep(ms); return 0; }
function stressThread(seed: i32): i32 {
  let s = xorshift(<u32>seed | 1);
  const n = <i32>(s % 4) + 1;
  let total = 0;
  for (let k = 0; k < n; k++) {
    s = xorshift(s);
    total += callOnce(callbackIndex(stressCb), <i32>(s >> 1));
  }
  return total;
}

/**
 * `n` threads (`maxConcurrency` at once), each calling back into the guest 1-4 times, each callback blocking in a
 * seeded random way. Returns "sum of the callbacks' results,callbacks that slept or yielded".
 */
export function stress(n: i32, seed: i32, maxConcurrency: i32): string {
  atomic.store<i32>(STRESS_M, 0);
  const g = new ThreadGroup(maxConcurrency);
  const fs = new Array<Future<i32>>();
  let s = <u32>seed;
  for (let i = 0; i < n; i++) { s = xorshift(s | 1); fs.push(g.spawn<i32, i32>(stressThread, <i32>(s >> 1))); }
  g.join();
  let total = 0;
  for (let i = 0; i < n; i++) total += fs[i].get();
  return total.toString() + "," + atomic.load<i32>(STRESS_M).toString();
}
