// Guest for test/runtime/groups.test.ts and test/runtime/cancel.test.ts: structured concurrency (limits, every
// failure reported, closed groups, deadlines, nested cancellation, owners waiting for their groups, context
// variables, background work) and cancellation reaching every kind of wait.
import { ThreadGroup, Future, Mutex, Semaphore, Channel, Event, ContextVar, yieldNow, sleep, now, threadId, cancelled,
         withTimeout, spawnBackground, checkpoint, onExit } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { raiseMax } from "../../guest-lib/gauge";
import { WORKERS_BOOTED } from "vthreads/memory/layout";

const CELLS = memory.data(64);
const STARTED: usize = CELLS + 0;
const ARRIVED: usize = CELLS + 4;
const BACKGROUND_DONE: usize = CELLS + 8;
const AFTER_CANCEL: usize = CELLS + 12;
const INSIDE: usize = CELLS + 16;
const MAX_INSIDE: usize = CELLS + 20;
const ORDER_BROKEN: usize = CELLS + 24;
const LAST_STARTED: usize = CELLS + 28;

/** Where the tests read a cell after close(). */
export function cellAddress(i: i32): usize {
  return CELLS + <usize>i * 4;
}

// --- maxConcurrency ------------------------------------------------------------------------------------------

function gauged(i: i32): i32 {
  // Start order: children start in spawn order, so i never drops below an earlier start.
  const last = atomic.xchg<i32>(LAST_STARTED, i);
  if (i < last) atomic.store<i32>(ORDER_BROKEN, 1);
  raiseMax(MAX_INSIDE, atomic.add<i32>(INSIDE, 1) + 1);
  let r = xorshift(<u32>i * 2654435761 + 1);
  for (let k: u32 = 0; k < (r & 7); k++) yieldNow();
  if (r & 8) sleep(<f64>(r & 3));
  atomic.sub<i32>(INSIDE, 1);
  return i;
}

/** n children under maxConcurrency = cap: returns max inside * 1e6 + (order kept ? 1 : 0) * 1e5 + results ok. */
export function limitedGroup(n: i32, cap: i32): i32 {
  atomic.store<i32>(INSIDE, 0);
  atomic.store<i32>(MAX_INSIDE, 0);
  atomic.store<i32>(ORDER_BROKEN, 0);
  atomic.store<i32>(LAST_STARTED, -1);
  const g = new ThreadGroup(cap, "limited");
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<i32, i32>(gauged, i)); // never blocks the spawner
  // On one worker no child can run before the spawner blocks, so all n are still live: spawn did not wait.
  const spawnedWithoutWaiting = g.running == n || atomic.load<i32>(WORKERS_BOOTED) > 1 ? 1 : 0;
  g.join();
  let ok = spawnedWithoutWaiting;
  for (let i = 0; i < n; i++) if (fs[i].get() != i) ok = 0;
  return atomic.load<i32>(MAX_INSIDE) * 1_000_000 + (atomic.load<i32>(ORDER_BROKEN) == 0 ? 100_000 : 0) + ok;
}

export function negativeLimit(): i32 {
  new ThreadGroup(-2);
  return 0;
}

// --- failures ------------------------------------------------------------------------------------------------

class Start {
  constructor(public e: Event, public i: i32) {}
}

function failWith(s: Start): i32 {
  s.e.wait();
  // Woken, and no blocking call after this: the first failure's cancellation cannot stop this one.
  let x: i32 = 0;
  for (let k = 0; k < 1000 * s.i; k++) x += k; // fail one after the other, in order
  abort("failure number " + s.i.toString() + (x < 0 ? "" : ""));
  return 0;
}

/** n children fail before any could be cancelled: join reports all of them, the first marked. */
export function allFail(n: i32): i32 {
  const e = new Event();
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<Start, i32>(failWith, new Start(e, i));
  for (let i = 0; i < 10; i++) yieldNow(); // everyone waits on the event
  e.set();
  g.join();
  return 0;
}

function quick(i: i32): i32 {
  return i;
}

export function spawnAfterJoin(): i32 {
  const g = new ThreadGroup();
  g.spawn<i32, i32>(quick, 1);
  g.join();
  g.spawn<i32, i32>(quick, 2); // fails: the group is closed
  return 0;
}

function joinOwnGroup(g: ThreadGroup): i32 {
  g.join();
  return 0;
}

class Holder {
  group: ThreadGroup | null = null;
}
function joinerInside(h: Holder): i32 {
  (h.group as ThreadGroup).join(); // fails: a child joining its own group
  return 0;
}
export function childJoinsItsGroup(): i32 {
  const g = new ThreadGroup();
  const h = new Holder();
  h.group = g;
  g.spawn<Holder, i32>(joinerInside, h);
  g.join();
  return 0;
}

function failLater(i: i32): i32 {
  yieldNow();
  abort("late failure");
  return 0;
}

/** A thread that neither joins nor handles its failed group fails itself when it ends: no failure is lost. */
export function forgetFailedGroup(): i32 {
  const g = new ThreadGroup();
  g.spawn<i32, i32>(failLater, 0);
  return 7; // not the result: the owner waits for the group and takes its failure
}

// --- cancellation --------------------------------------------------------------------------------------------

function sleepForever(i: i32): i32 {
  atomic.add<i32>(ARRIVED, 1);
  sleep(1e12);
  atomic.add<i32>(AFTER_CANCEL, 1); // never: the sleep ends the cancelled thread
  return i;
}

/** cancel(): every child ends at its blocking call; join returns normally; futures are cancelled. */
export function cancelSleepers(n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  atomic.store<i32>(AFTER_CANCEL, 0);
  const g = new ThreadGroup(0, "sleepers");
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<i32, i32>(sleepForever, i));
  while (atomic.load<i32>(ARRIVED) < n) yieldNow();
  g.cancel();
  g.join();
  let cancelledFutures = 0;
  for (let i = 0; i < n; i++) if (fs[i].cancelled) cancelledFutures++;
  if (!g.cancelled || g.failed || g.timedOut) return -1;
  return cancelledFutures * 10 + atomic.load<i32>(AFTER_CANCEL); // n*10 + 0
}

export function getCancelled(): i32 {
  const g = new ThreadGroup();
  const f = g.spawn<i32, i32>(sleepForever, 0);
  g.cancel();
  g.join();
  return f.get(); // fails: was cancelled
}

/** A deadline: withTimeout ends a slow thread (the future says cancelled) and lets a quick one finish. */
export function timeouts(): i32 {
  const slow = withTimeout<i32, i32>(20, sleepForever, 1);
  const fast = withTimeout<i32, i32>(10_000, quick, 5);
  return (slow.cancelled ? 100 : 0) + (fast.cancelled ? -1000 : fast.get()); // 105
}

/** cancelAfter on a group: timedOut is set, children ended. */
export function groupDeadline(n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const g = new ThreadGroup(0, "with deadline");
  const t0 = now();
  g.cancelAfter(15);
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(sleepForever, i);
  g.join();
  // Not before the deadline (1 ms of slack: each worker reads the shared clock through its own time origin).
  return g.timedOut && g.cancelled && now() - t0 >= 14 ? 1 : 0;
}

function spinChecked(i: i32): i32 {
  atomic.add<i32>(ARRIVED, 1);
  while (true) checkpoint(); // a CPU loop: checkpoint() is where it learns it is cancelled
  return i;
}

/** A computing thread that calls checkpoint() is cancellable too. */
export function cancelSpinner(): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const g = new ThreadGroup();
  g.spawn<i32, i32>(spinChecked, 0);
  while (atomic.load<i32>(ARRIVED) < 1) yieldNow();
  g.cancel();
  g.join();
  return 1;
}

function middleManager(n: i32): i32 {
  const inner = new ThreadGroup(0, "inner");
  for (let i = 0; i < n; i++) inner.spawn<i32, i32>(sleepForever, i);
  inner.join(); // cancelled while joining: cancels `inner`, waits for it, then ends
  atomic.add<i32>(AFTER_CANCEL, 1);
  return 0;
}

function middleNoJoin(n: i32): i32 {
  const inner = new ThreadGroup(0, "inner-unjoined");
  for (let i = 0; i < n; i++) inner.spawn<i32, i32>(sleepForever, i);
  sleep(1e12); // cancelled here; on its way out it cancels `inner` and waits for it
  return 0;
}

/** Cancelling a group reaches the grandchildren, whether their parent was joining or sleeping. */
export function nestedCancel(width: i32, n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  atomic.store<i32>(AFTER_CANCEL, 0);
  const g = new ThreadGroup(0, "outer");
  for (let i = 0; i < width; i++) {
    g.spawn<i32, i32>(middleManager, n);
    g.spawn<i32, i32>(middleNoJoin, n);
  }
  while (atomic.load<i32>(ARRIVED) < 2 * width * n) yieldNow();
  g.cancel();
  g.join();
  return atomic.load<i32>(AFTER_CANCEL); // 0: nothing ran past a cancelled call
}

// --- owners wait for their groups ----------------------------------------------------------------------------

function slowChild(i: i32): i32 {
  sleep(10);
  atomic.add<i32>(ARRIVED, 1);
  return i;
}

function spawnAndLeave(n: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(slowChild, i);
  return n; // returns without joining: its future completes only when its children are done
}

export function ownerWaits(n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const g = new ThreadGroup();
  const f = g.spawn<i32, i32>(spawnAndLeave, n);
  const r = f.get();
  return atomic.load<i32>(ARRIVED) == n ? r : -1;
}

// --- context variables ---------------------------------------------------------------------------------------

const requestId = new ContextVar<i32>("requestId", 0);
const userName = new ContextVar<string>("user", "anonymous");

function readContext(expected: i32): i32 {
  if (requestId.get() != expected) return -1;
  if (userName.get() != "ada") return -2;
  requestId.set(999); // only this thread (and its future children) see it
  yieldNow();
  return requestId.get() == 999 ? 1 : -3;
}

/** A child sees its parent's values as of spawn; its own set() does not reach the parent or siblings. */
export function contextInheritance(): i32 {
  if (requestId.get() != 0 || userName.get() != "anonymous") return -10;
  requestId.set(7);
  userName.set("ada");
  const g = new ThreadGroup();
  const a = g.spawn<i32, i32>(readContext, 7);
  requestId.set(8); // after the spawn: `a` keeps 7
  const b = g.spawn<i32, i32>(readContext, 8);
  g.join();
  if (requestId.get() != 8) return -20;
  return a.get() + b.get(); // 2
}

const labelA = new ContextVar<i32>("label", 1);
const labelB = new ContextVar<i32>("label", 2); // the same name: still another variable (a variable is its object)

function readLabels(x: i32): i32 {
  yieldNow(); // may resume on another worker: the module-level variables are the same objects there
  return labelA.get() * 100 + labelB.get();
}

/** Two ContextVars with one name are two variables, and a child sees both as its parent left them: 1002. */
export function contextIdentity(): i32 {
  labelA.set(10);
  const g = new ThreadGroup();
  const f = g.spawn<i32, i32>(readLabels, 0);
  g.join();
  if (labelA.get() != 10 || labelB.get() != 2) return -1;
  return f.get(); // 10 * 100 + 2
}

// --- background work -----------------------------------------------------------------------------------------

function backgroundJob(ms: i32): i32 {
  sleep(<f64>ms);
  atomic.add<i32>(BACKGROUND_DONE, 1);
  return 0;
}

/** Starts n background threads and returns at once; the runtime waits for them at close. */
export function startBackground(n: i32, ms: i32): i32 {
  atomic.store<i32>(BACKGROUND_DONE, 0);
  for (let i = 0; i < n; i++) spawnBackground<i32, i32>(backgroundJob, ms);
  return atomic.load<i32>(BACKGROUND_DONE);
}

// --- cancellation reaches every wait (10,000 threads) ---------------------------------------------------------

class Scene {
  m: Mutex<i32> = new Mutex<i32>(0, "held by the root");
  s: Semaphore = new Semaphore(1, "taken by the root");
  empty: Channel<i32> = new Channel<i32>(1, "nobody sends");
  full: Channel<i32> = new Channel<i32>(1, "nobody receives");
  e: Event = new Event("never set");
  never: Future<i32> | null = null;
}

function blockOnSomething(i: i32): i32 {
  const scene = changetype<Scene>(load<usize>(CELLS + 32));
  atomic.add<i32>(ARRIVED, 1);
  switch (i % 6) {
    case 0: sleep(1e12); break;
    case 1: scene.m.lock(); break;
    case 2: scene.s.acquire(); break;
    case 3: scene.empty.recv(); break;
    case 4: scene.full.send(i); break;
    default: (scene.never as Future<i32>).get(); break;
  }
  atomic.add<i32>(AFTER_CANCEL, 1); // never
  return i;
}

/**
 * n threads blocked on sleep, a mutex, a semaphore, a channel (both ways), a future; cancel them all, then check
 * that nothing is left behind: every primitive works as if they had never waited. Returns a bitmask of the checks.
 */
export function cancelStorm(n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  atomic.store<i32>(AFTER_CANCEL, 0);
  const scene = new Scene();
  store<usize>(CELLS + 32, changetype<usize>(scene));
  const held = scene.m.lock();
  scene.s.acquire();
  scene.full.send(-1);
  const forever = new ThreadGroup(0, "forever");
  scene.never = forever.spawn<i32, i32>(sleepForever, -1);
  const g = new ThreadGroup(0, "storm");
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(blockOnSomething, i);
  while (atomic.load<i32>(ARRIVED) < n + 1) yieldNow();
  for (let i = 0; i < 20; i++) yieldNow(); // let the last arrivals block
  g.cancel();
  g.join();
  forever.cancel();
  forever.join();
  let checks = 0;
  // The mutex: no waiter left, so unlocking frees it (a waiter would have been handed the lock).
  held.unlock();
  if (scene.m.holder == 0 && !scene.m.poisoned) checks |= 1;
  const again = scene.m.tryLock();
  if (again != null) { checks |= 2; again.unlock(); }
  // The semaphore: the permit returns to the pool, not to a cancelled waiter.
  scene.s.release();
  if (scene.s.available == 1) checks |= 4;
  // The channels: a message sent now is received now, and the full one still holds exactly its message.
  scene.empty.send(5);
  if (scene.empty.recv() == 5) checks |= 8;
  if (scene.full.length == 1 && scene.full.recv() == -1 && scene.full.length == 0) checks |= 16;
  if (atomic.load<i32>(AFTER_CANCEL) == 0) checks |= 32;
  return checks; // 63
}

// --- deadlocks -----------------------------------------------------------------------------------------------

class Pair {
  a: Mutex<i32> = new Mutex<i32>(0, "a");
  b: Mutex<i32> = new Mutex<i32>(0, "b");
}

function lockAThenB(p: Pair): i32 {
  const ga = p.a.lock();
  sleep(5);
  const gb = p.b.lock();
  gb.unlock();
  ga.unlock();
  return 0;
}

function lockBThenA(p: Pair): i32 {
  const gb = p.b.lock();
  sleep(5);
  const ga = p.a.lock();
  ga.unlock();
  gb.unlock();
  return 0;
}

/** The classic: two threads take two mutexes in opposite orders. */
export function lockOrderDeadlock(): i32 {
  const p = new Pair();
  const g = new ThreadGroup(0, "lock order");
  g.spawn<Pair, i32>(lockAThenB, p);
  g.spawn<Pair, i32>(lockBThenA, p);
  g.join();
  return 0;
}

/** A receive nobody will ever answer. */
export function lonelyReceive(): i32 {
  const ch = new Channel<i32>(0, "inbox");
  return ch.recv();
}

// --- host cancellation and dumps -----------------------------------------------------------------------------

/** Sleeps for a very long time holding a mutex and a permit, with children: the host cancels it. */
export function longCall(children: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const scene = new Scene();
  scene.m.lock();
  scene.s.acquire();
  const g = new ThreadGroup(0, "children of a long call");
  for (let i = 0; i < children; i++) g.spawn<i32, i32>(sleepForever, i);
  sleep(1e12);
  return 1;
}

export function arrived(): i32 {
  return atomic.load<i32>(ARRIVED);
}

function waitOnMutex(m: Mutex<i32>): i32 {
  atomic.add<i32>(ARRIVED, 1);
  const g = m.lock();
  g.unlock();
  return 0;
}

function waitOnEvent(e: Event): i32 {
  atomic.add<i32>(ARRIVED, 1);
  e.wait();
  return 0;
}

function sleepUntilSet(e: Event): i32 {
  atomic.add<i32>(ARRIVED, 1);
  while (!e.isSet) sleep(20);
  return 0;
}

/** A scene for a dump: a named group (max 2 at once) of event waiters, a mutex waiter, a sleeper; `release` ends it. */
export function dumpScene(): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const e = new Event("release");
  store<usize>(CELLS + 40, changetype<usize>(e));
  const m = new Mutex<i32>(0, "table");
  const held = m.lock();
  const g = new ThreadGroup(2, "downloads");
  for (let i = 0; i < 4; i++) g.spawn<Event, i32>(waitOnEvent, e);
  const other = new ThreadGroup(0, "misc");
  other.spawn<Mutex<i32>, i32>(waitOnMutex, m);
  other.spawn<Event, i32>(sleepUntilSet, e);
  e.wait();
  held.unlock();
  g.join();
  other.join();
  return threadId();
}

export function release(): i32 {
  changetype<Event>(load<usize>(CELLS + 40)).set();
  return 0;
}

export function isCancelled(): bool {
  return cancelled();
}

// --- cleanups ------------------------------------------------------------------------------------------------

const CLEANED: usize = CELLS + 44;

class Resources {
  m: Mutex<i32> = new Mutex<i32>(0, "cleaned up");
  log: Channel<i32> = new Channel<i32>();
}

function unlockInCleanup(r: Resources): void {
  // A cleanup may block: this one waits its turn for a lock and reports in a channel.
  const g = r.m.lockEvenIfPoisoned();
  g.value = g.value + 1;
  g.unlock();
  r.log.send(1);
  atomic.add<i32>(CLEANED, 1);
}

function count(unused: i32): void {
  atomic.add<i32>(CLEANED, 100);
}

function withCleanups(r: Resources): i32 {
  onExit<Resources>(unlockInCleanup, r);
  const skipped = onExit<i32>(count, 0);
  skipped.dismiss(); // never runs
  atomic.add<i32>(ARRIVED, 1);
  sleep(1e12); // cancelled here
  return 0;
}

/** n threads with cleanups are cancelled: every cleanup runs (blocking on a mutex and a channel), dismissed ones don't. */
export function cleanupsOnCancel(n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  atomic.store<i32>(CLEANED, 0);
  const r = new Resources();
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<Resources, i32>(withCleanups, r);
  while (atomic.load<i32>(ARRIVED) < n) yieldNow();
  g.cancel();
  g.join();
  let logged = 0;
  while (r.log.length > 0) logged += r.log.recv();
  const guard = r.m.lock(); // not poisoned: the cleanups unlocked it properly
  const v = guard.value;
  guard.unlock();
  return atomic.load<i32>(CLEANED) == n && logged == n && v == n ? 1 : 0;
}

function failAfterCleanupRegistered(r: Resources): i32 {
  onExit<Resources>(unlockInCleanup, r);
  unreachable();
  return 0;
}

function normalWithCleanup(r: Resources): i32 {
  const c = onExit<Resources>(unlockInCleanup, r);
  c.run(); // runs now, once
  return 5;
}

/** Cleanups run when a thread fails, and `run()` runs one early exactly once. */
export function cleanupsOnFailureAndRun(): i32 {
  atomic.store<i32>(CLEANED, 0);
  const r = new Resources();
  const g = new ThreadGroup();
  g.spawn<Resources, i32>(failAfterCleanupRegistered, r);
  const failed = !g.tryJoin();
  const h = new ThreadGroup();
  const f = h.spawn<Resources, i32>(normalWithCleanup, r);
  h.join();
  return failed && f.get() == 5 && atomic.load<i32>(CLEANED) == 2 ? 1 : 0;
}

function echoAfter(arg: i64): i64 {
  if (arg & 1) yieldNow(); // half finish at once, half after a switch: the get below races both ways
  return arg;
}

function getter(seed: u32): i64 {
  let x = seed | 1;
  let sum: i64 = 0;
  for (let i = 0; i < 100; i++) {
    x = xorshift(x);
    const g = new ThreadGroup();
    const f = g.spawn<i64, i64>(echoAfter, <i64>(x & 0xffff));
    sum += f.get(); // waits, or finds it done: the child may complete on another worker at this very moment
    g.join();
  }
  return sum;
}

/**
 * `n` threads each spawn 100 children one at a time and get each child's future at once, racing its completion
 * (which takes the future's lock only when a waiter may be queued). Returns the sum of every child's result.
 */
export function getRace(n: i32, seed: u32): i64 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i64>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<u32, i64>(getter, seed + <u32>i * 7919));
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += fs[i].get();
  return sum;
}

// Batched ends (wasm/groups/group.ts): a worker hands the ends of a group's children over in batches. Several groups
// are spawned into at once, so a worker's batch often has to be handed over because the next thread belongs to another
// group; one group may be cancelled while its children end; each child does a random amount of work.
const BATCH_SPAWNED: usize = CELLS + 32; // per round: children spawned (all groups)
const BATCH_BAD: usize = CELLS + 36; // a group's `running` was negative, or above what was spawned into it

function batchChild(arg: u32): i64 {
  const kind = arg & 3;
  if (kind == 1) yieldNow();
  else if (kind == 2) { let x = arg; for (let i = 0; i < 200; i++) x = xorshift(x); if (x == 0) return 0; }
  return <i64>(arg >> 2);
}

/** Watches `running` of the groups in `groups` while they have children: never below 0 nor above what was spawned. */
function batchWatcher(groups: Array<ThreadGroup>): i64 {
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < groups.length; i++) {
      const r = groups[i].running;
      if (r < 0 || r > atomic.load<i32>(BATCH_SPAWNED)) atomic.store<i32>(BATCH_BAD, 1);
    }
    yieldNow();
  }
  return 0;
}

/**
 * `rounds` rounds: 1-4 groups, 1-400 children spread over them in random order, maybe one group cancelled
 * half-way; every group joined (in random order). Returns how many children completed (each with its own index as
 * its result), or -1 when a group's count was wrong (negative, too high, or not 0 after its join) or a future was
 * not done after its group's join.
 */
export function batchedEnds(seed: u32, rounds: i32): i64 {
  let x = seed | 1;
  let sum: i64 = 0;
  for (let r = 0; r < rounds; r++) {
    x = xorshift(x);
    const ng = 1 + <i32>(x % 4);
    const groups = new Array<ThreadGroup>();
    for (let i = 0; i < ng; i++) groups.push(new ThreadGroup());
    atomic.store<i32>(BATCH_SPAWNED, 0);
    const watchers = new ThreadGroup();
    watchers.spawn<Array<ThreadGroup>, i64>(batchWatcher, groups);
    x = xorshift(x);
    const n = 1 + <i32>(x % 400);
    x = xorshift(x);
    const cancelAt = x % 3 == 0 ? <i32>(x % <u32>n) : -1;
    const cancelGroupIndex = <i32>((x >> 8) % <u32>ng);
    const futures = new Array<Future<i64>>();
    const owners = new Array<i32>();
    for (let i = 0; i < n; i++) {
      x = xorshift(x);
      const gi = <i32>(x % <u32>ng);
      atomic.add<i32>(BATCH_SPAWNED, 1);
      futures.push(groups[gi].spawn<u32, i64>(batchChild, (<u32>i << 2) | ((x >> 4) & 3)));
      owners.push(gi);
      if (i == cancelAt) groups[cancelGroupIndex].cancel();
    }
    x = xorshift(x);
    const first = <i32>(x % <u32>ng);
    for (let k = 0; k < ng; k++) {
      const g = groups[(first + k) % ng];
      g.join();
      if (g.running != 0) return -1;
      // @ts-ignore: private access: every ended child is off the group's list once it has been joined
      if (g.children != 0) return -1;
    }
    watchers.join();
    for (let i = 0; i < n; i++) {
      const f = futures[i];
      if (!f.done) return -1;
      if (!f.cancelled) {
        if (f.get() != <i64>i) return -1;
        sum++;
      } else if (owners[i] != cancelGroupIndex || cancelAt < 0) return -1; // only the cancelled group's children
    }
  }
  return atomic.load<i32>(BATCH_BAD) != 0 ? -1 : sum;
}
