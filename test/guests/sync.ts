// Guest for test/runtime/sync.test.ts: Mutex, Semaphore, Channel, Event, WaitGroup and Once under many threads,
// randomised yields (a seed from the host), cancellation and misuse.
import { ThreadGroup, Future, Mutex, MutexGuard, Semaphore, Channel, Event, WaitGroup, Once, yieldNow, sleep, UNBOUNDED }
  from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { raiseMax } from "../../guest-lib/gauge";

// Shared cells (static data lives in the shared memory; module-level `let` would be per worker).
const CELLS = memory.data(64);
const ONCE_RUNS: usize = CELLS + 0;
const ARRIVED: usize = CELLS + 4;

/** Yields a random number (0..3) of times: a different interleaving for every seed. */
function jitter(seed: u32): u32 {
  seed = xorshift(seed);
  for (let i: u32 = 0; i < (seed & 3); i++) yieldNow();
  return seed;
}

// --- Mutex ---------------------------------------------------------------------------------------------------

class Counter {
  value: i64 = 0;
  inside: i32 = 0;
}

class CounterJob {
  constructor(public m: Mutex<Counter>, public k: i32, public seed: u32) {}
}

function incrementer(job: CounterJob): i32 {
  let seed = job.seed;
  for (let i = 0; i < job.k; i++) {
    const g = job.m.lock();
    const c = g.value;
    if (++c.inside != 1) abort("two threads inside the critical section");
    const v = c.value;
    seed = jitter(seed); // others run meanwhile; a lost update would show in the total
    c.value = v + 1;
    c.inside--;
    g.unlock();
    seed = jitter(seed);
  }
  return 0;
}

/** `threads` threads each add 1, `k` times, under one Mutex, yielding inside and outside the critical section. */
export function mutexCounter(threads: i32, k: i32, seed: u32): i64 {
  const m = new Mutex<Counter>(new Counter(), "counter");
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<CounterJob, i32>(incrementer, new CounterJob(m, k, seed + <u32>i * 7919 + 1));
  g.join();
  const guard = m.lock();
  const total = guard.value.value;
  guard.unlock();
  return total;
}

function dieHolding(m: Mutex<Counter>): i32 {
  const g = m.lock();
  g.value.value = 42;
  unreachable(); // ends with the lock held
  return 0;
}

/** A thread fails while holding the lock: the next lock() fails the caller, naming the poison. */
export function lockAfterHolderDied(): i32 {
  const m = new Mutex<Counter>(new Counter(), "results");
  const g = new ThreadGroup();
  g.spawn<Mutex<Counter>, i32>(dieHolding, m);
  g.tryJoin();
  m.lock(); // fails
  return 1;
}

/** lockEvenIfPoisoned sees the half-done value, clearPoison makes the mutex usable again. */
export function recoverPoisoned(): i64 {
  const m = new Mutex<Counter>(new Counter());
  const g = new ThreadGroup();
  g.spawn<Mutex<Counter>, i32>(dieHolding, m);
  g.tryJoin();
  if (!m.poisoned || m.holder != 0) return -1;
  const guard = m.lockEvenIfPoisoned();
  if (!guard.wasPoisoned) return -2;
  const v = guard.value.value;
  guard.clearPoison();
  guard.unlock();
  const again = m.lock(); // no longer poisoned
  again.unlock();
  return v; // 42
}

/** The guard after unlock: every access fails. */
export function valueAfterUnlock(): i64 {
  const m = new Mutex<Counter>(new Counter(), "cache");
  const g = m.lock();
  g.unlock();
  return g.value.value; // fails
}

function unlockOthers(g: Mutex<Counter>): i32 {
  changetype<MutexGuard<Counter>>(g).unlock(); // a guard this thread never got: fails
  return 0;
}

/** A thread unlocks a mutex another thread holds: it fails, and the holder keeps the lock. */
export function unlockByOtherThread(): i32 {
  const m = new Mutex<Counter>(new Counter(), "shared");
  const held = m.lock();
  const g = new ThreadGroup();
  g.spawn<Mutex<Counter>, i32>(unlockOthers, m);
  const ok = g.tryJoin();
  const holder = m.holder;
  held.unlock();
  return !ok && holder != 0 ? 1 : 0;
}

export function lockTwice(): i32 {
  const m = new Mutex<Counter>(new Counter());
  m.lock();
  m.lock(); // fails: would wait for itself
  return 0;
}

// --- Semaphore -----------------------------------------------------------------------------------------------

class Gauge {
  inside: i32 = 0;
  max: i32 = 0;
  done: i32 = 0;
}

class PermitJob {
  constructor(public s: Semaphore, public gauge: Gauge, public seed: u32) {}
}

function limited(job: PermitJob): i32 {
  job.s.acquire();
  const inside = atomic.add<i32>(changetype<usize>(job.gauge) + offsetof<Gauge>("inside"), 1) + 1;
  raiseMax(changetype<usize>(job.gauge) + offsetof<Gauge>("max"), inside);
  jitter(job.seed);
  atomic.sub<i32>(changetype<usize>(job.gauge) + offsetof<Gauge>("inside"), 1);
  atomic.add<i32>(changetype<usize>(job.gauge) + offsetof<Gauge>("done"), 1);
  job.s.release();
  return 0;
}

/** `threads` threads through a Semaphore(permits): returns max inside * 1e6 + done * 10 + (available == permits). */
export function semaphoreGauge(threads: i32, permits: i32, seed: u32): i64 {
  const s = new Semaphore(permits, "slots");
  const gauge = new Gauge();
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<PermitJob, i32>(limited, new PermitJob(s, gauge, seed + <u32>i * 31 + 1));
  g.join();
  return <i64>gauge.max * 1_000_000 + <i64>gauge.done * 10 + (s.available == permits ? 1 : 0);
}

export function releaseWithoutAcquire(): i32 {
  const s = new Semaphore(2, "pool");
  s.release();
  return 0;
}

export function acquireTooMany(): i32 {
  const s = new Semaphore(2, "pool");
  s.acquire(3);
  return 0;
}

// --- Channel -------------------------------------------------------------------------------------------------

class Flow {
  constructor(
    public ch: Channel<i32>,
    public seen: StaticArray<u8>,
    public perProducer: i32,
    public seed: u32,
  ) {}
  received: i64 = 0;
  sum: i64 = 0;
}

class Producer {
  constructor(public flow: Flow, public index: i32) {}
}

function produce(p: Producer): i32 {
  let seed = p.flow.seed + <u32>p.index * 104729 + 1;
  for (let i = 0; i < p.flow.perProducer; i++) {
    p.flow.ch.send(p.index * p.flow.perProducer + i);
    seed = jitter(seed);
  }
  return 0;
}

function consume(p: Producer): i32 {
  const flow = p.flow;
  let seed = flow.seed + <u32>p.index * 7 + 3;
  while (flow.ch.next()) {
    const v = flow.ch.take();
    // Each message exactly once: a duplicate finds its mark already set.
    if (atomic.xchg<u8>(changetype<usize>(flow.seen) + <usize>v, 1) != 0) abort("message " + v.toString() + " received twice");
    atomic.add<i64>(changetype<usize>(flow) + offsetof<Flow>("received"), 1);
    atomic.add<i64>(changetype<usize>(flow) + offsetof<Flow>("sum"), v);
    seed = jitter(seed);
  }
  return 0;
}

/**
 * Producers send distinct numbers through one channel to consumers until it is closed. Returns the sum of what
 * was received; fails if a message came twice or one is missing.
 */
export function channelFlow(producers: i32, consumers: i32, perProducer: i32, capacity: i32, seed: u32): i64 {
  const total = producers * perProducer;
  const flow = new Flow(new Channel<i32>(capacity, "work"), new StaticArray<u8>(total), perProducer, seed);
  const readers = new ThreadGroup(0, "consumers");
  for (let i = 0; i < consumers; i++) readers.spawn<Producer, i32>(consume, new Producer(flow, i));
  const writers = new ThreadGroup(0, "producers");
  for (let i = 0; i < producers; i++) writers.spawn<Producer, i32>(produce, new Producer(flow, i));
  writers.join();
  flow.ch.close();
  readers.join();
  for (let v = 0; v < total; v++) if (flow.seen[v] == 0) abort("message " + v.toString() + " was lost");
  if (flow.received != <i64>total) abort("received " + flow.received.toString() + " of " + total.toString());
  return flow.sum;
}

/** Receiving from a closed channel: buffered messages first, then next() is false and recv() fails. */
export function drainClosed(): i32 {
  const ch = new Channel<string>(4, "names");
  ch.send("a");
  ch.send("b");
  ch.close();
  let s = "";
  while (ch.next()) s += ch.take();
  if (s != "ab") return -1;
  ch.recv(); // fails
  return 0;
}

export function sendOnClosed(): i32 {
  const ch = new Channel<i32>(UNBOUNDED, "done");
  ch.close();
  ch.send(1); // fails
  return 0;
}

function blockedSender(ch: Channel<i32>): i32 {
  ch.send(2); // the buffer (1) is full: waits, then the channel is closed under it
  return 0;
}

/** A sender waiting on a full channel fails when the channel is closed. */
export function closeUnderSender(): i32 {
  const ch = new Channel<i32>(1, "full");
  ch.send(1);
  const g = new ThreadGroup();
  g.spawn<Channel<i32>, i32>(blockedSender, ch);
  while (ch.length == 1 && g.running > 0) { yieldNow(); sleep(1); break; }
  ch.close();
  g.join(); // fails with the sender's failure
  return 0;
}

function rendezvousReceiver(ch: Channel<f64>): f64 {
  let s = 0.0;
  while (ch.next()) s += ch.take();
  return s;
}

/** Capacity 0: every send waits for its receiver; floats travel intact. */
export function rendezvous(n: i32): f64 {
  const ch = new Channel<f64>(0);
  const g = new ThreadGroup();
  const f = g.spawn<Channel<f64>, f64>(rendezvousReceiver, ch);
  for (let i = 0; i < n; i++) ch.send(<f64>i + 0.25);
  ch.close();
  g.join();
  return f.get();
}

// --- Event, WaitGroup, Once ----------------------------------------------------------------------------------

function waitForEvent(e: Event): i32 {
  atomic.add<i32>(ARRIVED, 1);
  e.wait();
  return 1;
}

/** n threads wait for one event; set() lets them all through. */
export function eventBroadcast(n: i32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const e = new Event("go");
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<Event, i32>(waitForEvent, e));
  while (atomic.load<i32>(ARRIVED) < n) yieldNow();
  e.set();
  g.join();
  let s = 0;
  for (let i = 0; i < n; i++) s += fs[i].get();
  e.wait(); // set: returns at once
  return s;
}

class WgJob {
  constructor(public wg: WaitGroup, public seed: u32) {}
}

function wgWorker(job: WgJob): i32 {
  jitter(job.seed);
  atomic.add<i32>(ARRIVED, 1);
  job.wg.done();
  return 0;
}

/** WaitGroup.wait returns once n done() calls have come in. */
export function waitGroupCount(n: i32, seed: u32): i32 {
  atomic.store<i32>(ARRIVED, 0);
  const wg = new WaitGroup();
  wg.add(n);
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<WgJob, i32>(wgWorker, new WgJob(wg, seed + <u32>i + 1));
  wg.wait();
  const seen = atomic.load<i32>(ARRIVED);
  g.join();
  return seen;
}

export function waitGroupNegative(): i32 {
  const wg = new WaitGroup();
  wg.done(); // fails
  return 0;
}

function initOnce(): void {
  atomic.add<i32>(ONCE_RUNS, 1);
  yieldNow(); // the others arrive while it runs
}

function callOnce(o: Once): i32 {
  o.call(initOnce);
  return o.done ? 1 : 0;
}

/** n threads call one Once: the function runs exactly once, and every caller returns after it ran. */
export function onceRuns(n: i32): i32 {
  atomic.store<i32>(ONCE_RUNS, 0);
  const o = new Once();
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn<Once, i32>(callOnce, o));
  g.join();
  for (let i = 0; i < n; i++) if (fs[i].get() != 1) return -1;
  return atomic.load<i32>(ONCE_RUNS);
}

let failFirstOnce = true; // one per program: only the first runner fails
function initFailingOnce(): void {
  atomic.add<i32>(ONCE_RUNS, 1);
  if (failFirstOnce) {
    failFirstOnce = false;
    unreachable();
  }
}

function callFailingOnce(o: Once): i32 {
  o.call(initFailingOnce);
  return 1;
}

/** The first runner fails: the Once is not done, and the next caller runs the function again. */
export function onceRetries(): i32 {
  atomic.store<i32>(ONCE_RUNS, 0);
  failFirstOnce = true;
  const o = new Once();
  const g1 = new ThreadGroup();
  g1.spawn<Once, i32>(callFailingOnce, o);
  if (g1.tryJoin()) return -1;
  if (o.done) return -2;
  const g2 = new ThreadGroup();
  g2.spawn<Once, i32>(callFailingOnce, o);
  g2.join();
  return o.done ? atomic.load<i32>(ONCE_RUNS) : -3; // 2
}

// --- objects through primitives while the collector runs ------------------------------------------------------

class Message {
  constructor(public id: i32, public text: string, public parts: Array<i32>) {}
}

class ObjectFlow {
  constructor(public ch: Channel<Message>, public box: Mutex<Array<Message>>, public perProducer: i32) {}
  checked: i32 = 0;
}

class ObjectProducer {
  constructor(public flow: ObjectFlow, public index: i32) {}
}

function makeMessage(id: i32): Message {
  const parts = new Array<i32>(8);
  for (let k = 0; k < 8; k++) parts[k] = id * 8 + k;
  return new Message(id, "message #" + id.toString(), parts);
}

function checkMessage(m: Message): void {
  if (m.text != "message #" + m.id.toString()) abort("message " + m.id.toString() + " text corrupted: " + m.text);
  for (let k = 0; k < 8; k++) if (m.parts[k] != m.id * 8 + k) abort("message " + m.id.toString() + " parts corrupted");
}

function produceObjects(p: ObjectProducer): i32 {
  for (let i = 0; i < p.flow.perProducer; i++) {
    const id = p.index * p.flow.perProducer + i;
    p.flow.ch.send(makeMessage(id));
    if ((i & 15) == 0) {
      // Park holding objects only a mutex-guarded array references: they must survive collections meanwhile.
      const g = p.flow.box.lock();
      g.value.push(makeMessage(-id - 1));
      g.unlock();
      sleep(0);
    }
  }
  return 0;
}

function consumeObjects(flow: ObjectFlow): i32 {
  while (flow.ch.next()) {
    const m = flow.ch.take();
    sleep(0); // park while the message is only in this thread's locals
    checkMessage(m);
    atomic.add<i32>(changetype<usize>(flow) + offsetof<ObjectFlow>("checked"), 1);
  }
  return 0;
}

/** Objects (strings, arrays) travel through a channel and sit in a mutex while threads park; all arrive intact. */
export function objectFlow(producers: i32, consumers: i32, perProducer: i32): i32 {
  const flow = new ObjectFlow(new Channel<Message>(16, "objects"), new Mutex<Array<Message>>(new Array<Message>()), perProducer);
  const readers = new ThreadGroup();
  for (let i = 0; i < consumers; i++) readers.spawn<ObjectFlow, i32>(consumeObjects, flow);
  const writers = new ThreadGroup();
  for (let i = 0; i < producers; i++) writers.spawn<ObjectProducer, i32>(produceObjects, new ObjectProducer(flow, i));
  writers.join();
  flow.ch.close();
  readers.join();
  const g = flow.box.lock();
  const kept = g.value;
  for (let i = 0; i < kept.length; i++) {
    const m = kept[i];
    if (m.text != "message #" + m.id.toString()) abort("kept message corrupted");
  }
  const n = kept.length;
  g.unlock();
  return flow.checked * 0 + (flow.checked == producers * perProducer ? n : -1);
}
