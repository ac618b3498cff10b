// Guest of test/runtime/closures.test.ts: capturing arrow functions (host/toolchain/closures.ts lifts them).
// Every closure sleeps or yields before it reads what it captured, so on several workers it usually resumes on
// another worker than the one that created it.
import { ThreadGroup, Future, Mutex, Once, Closure, callClosure, onExit, spawnBackground, withTimeout, sleep,
         yieldNow, threadId } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

/** Read by closures: a module-level constant is not captured (it is not a local of any function). */
const GREETING = "hi";

function fetchPage(url: string): i32 {
  sleep(1);
  return url.length;
}

class Results {
  total: i64 = 0;
  count: i32 = 0;
}

function downloadAndStore(results: Mutex<Results>, url: string): void {
  const n = fetchPage(url);
  const g = results.lock();
  g.value.total += n;
  g.value.count++;
  g.unlock();
}

/** The snippet: a closure per URL capturing that iteration's `url`; and the essay's partial(...). */
export function snippet(n: i32): i64 {
  const urls = new Array<string>();
  for (let i = 0; i < n; i++) urls.push("https://example.com/" + i.toString());
  const g = new ThreadGroup();
  const futures = new Array<Future<i32>>();
  const results = new Mutex<Results>(new Results());
  for (let i = 0; i < urls.length; i++) {
    const url = urls[i];
    futures.push(g.spawn(() => fetchPage(url)));   // captures url; returns Future<i32>
    g.spawn(() => downloadAndStore(results, url)); // no helper class
  }
  g.join();
  let fromFutures: i64 = 0;
  for (let i = 0; i < futures.length; i++) fromFutures += futures[i].get();
  const r = results.lock();
  const stored = r.value.total;
  const count = r.value.count;
  r.unlock();
  if (count != n) return -1;
  return stored == fromFutures ? stored : -2;
}

/** A parameter and a local of each kind of value: integers, floats, 64-bit, strings, objects. */
export function kinds(a: i32, b: f64): string {
  const big: i64 = <i64>a * 1_000_000_007;
  const s = "s" + a.toString();
  const arr = [a, a + 1, a + 2];
  const small: u8 = <u8>(a & 0xff);
  const g = new ThreadGroup();
  const fa = g.spawn((): i32 => { yieldNow(); return a * 2; });
  const fb = g.spawn((): f64 => { yieldNow(); return b / 2; });
  const fbig = g.spawn((): i64 => { yieldNow(); return big + 1; });
  const fs = g.spawn((): string => { yieldNow(); return GREETING + s + "!"; });
  const farr = g.spawn((): i32 => { yieldNow(); return arr[0] + arr[1] + arr[2]; });
  const fsmall = g.spawn((): u8 => { yieldNow(); return small; });
  g.join();
  return fa.get().toString() + " " + fb.get().toString() + " " + fbig.get().toString() + " " + fs.get() + " " +
    farr.get().toString() + " " + fsmall.get().toString();
}

class Counter {
  private hits: i32 = 0;
  readonly name: string;
  constructor(name: string) { this.name = name; }

  /** Spawns `n` closures capturing `this` (and a parameter): they share this one object through a mutex. */
  spawnHits(n: i32, lock: Mutex<i32>): i32 {
    const g = new ThreadGroup();
    for (let i = 0; i < n; i++) {
      g.spawn(() => {
        sleep(0);
        const guard = lock.lock();
        this.hits++;           // a private field, through the captured `this`
        guard.value++;
        guard.unlock();
      });
    }
    g.join();
    return this.hits;
  }

  label(): Future<string> {
    const g = new ThreadGroup();
    const f = g.spawn((): string => { yieldNow(); return this.name + ":" + this.hits.toString(); });
    g.join();
    return f;
  }
}

export function captureThis(n: i32): string {
  const c = new Counter("c");
  const lock = new Mutex<i32>(0);
  const hits = c.spawnHits(n, lock);
  const l = lock.lock();
  const locked = l.value;
  l.unlock();
  return hits.toString() + " " + locked.toString() + " " + c.label().get();
}

/** The loop variable itself, captured in the loop's body: each closure has its own iteration's value. */
export function loopVariable(n: i32): i64 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) fs.push(g.spawn((): i32 => { sleep(1); return i * i; }));
  g.join();
  let wrong = 0;
  let total: i64 = 0;
  for (let i = 0; i < n; i++) {
    if (fs[i].get() != i * i) wrong++;
    total += fs[i].get();
  }
  return wrong > 0 ? -<i64>wrong : total;
}

/** A closure that creates closures capturing its own captures and its own locals, spawned from inside it. */
export function nested(n: i32): i64 {
  const base: i64 = 1000;
  const g = new ThreadGroup();
  const outer = g.spawn((): i64 => {
    const inner = new ThreadGroup();
    const fs = new Array<Future<i64>>();
    for (let k = 0; k < n; k++) {
      const kk = <i64>k;
      fs.push(inner.spawn((): i64 => { yieldNow(); return base + kk; })); // base: captured twice over; kk: inner only
    }
    inner.join();
    let t: i64 = 0;
    for (let k = 0; k < fs.length; k++) t += fs[k].get();
    return t;
  });
  g.join();
  return outer.get();
}

/** Closures as values: stored, passed to the guest's own higher-order function, called directly. */
function twice(f: (self: Closure) => i32): i32 {
  return callClosure(f) + callClosure(f);
}

export function asValues(x: i32): i32 {
  const add = x + 1;
  const f = () => add * 10;
  const all = new Array<(self: Closure) => i32>();
  for (let i = 0; i < 3; i++) {
    const j = i;
    all.push(() => j + add);
  }
  let t = twice(f);
  for (let i = 0; i < all.length; i++) t += callClosure(all[i]);
  return t;
}

/** Closures given to spawnBackground, withTimeout, Once.call and onExit. */
export function apiFunctions(x: i32): string {
  const bg = spawnBackground((): i32 => { yieldNow(); return x + 1; });
  const slow = withTimeout(10_000, (): i32 => { sleep(1); return x * 3; });
  const late = withTimeout(1, (): i32 => { sleep(60_000); return x; });
  const once = new Once();
  const ran = new Mutex<i32>(0);
  const g = new ThreadGroup();
  for (let i = 0; i < 8; i++) {
    g.spawn(() => {
      once.call(() => { yieldNow(); const r = ran.lock(); r.value += x; r.unlock(); });
    });
  }
  g.join();
  const cleaned = new Mutex<i32>(0);
  const g2 = new ThreadGroup();
  g2.spawn(() => {
    onExit(() => { const c = cleaned.lock(); c.value += x; c.unlock(); });
    sleep(1);
  });
  g2.join();
  const r = ran.lock(); const ranValue = r.value; r.unlock();
  const c = cleaned.lock(); const cleanedValue = c.value; c.unlock();
  return bg.get().toString() + " " + slow.get().toString() + " " + (late.cancelled ? "cancelled" : "done") + " " +
    ranValue.toString() + " " + cleanedValue.toString();
}

/** spawn(fn, arg) still works beside closures, and a non-capturing arrow function needs no argument. */
function plus(x: i32): i32 { yieldNow(); return x + 1; }
export function oldAndPlain(x: i32): i32 {
  const g = new ThreadGroup();
  const a = g.spawn<i32, i32>(plus, x);
  const b = g.spawn(plus, x);
  const c = g.spawn(() => 7);
  g.join();
  return a.get() + b.get() + c.get();
}

// Static cells (one for all workers, unlike module-level variables): the host releases the holding thread.
const RELEASE = memory.data(4);
const SEEN = memory.data(4);

class Box { constructor(public v: i32) {} }

/**
 * Spawns a background closure whose environment is the only reference to a large structure (an array of `count`
 * objects), and returns: the closure waits until `release()`, then sums the structure into SEEN. The host collects
 * before and after.
 */
export function startHolding(count: i32): void {
  atomic.store<i32>(RELEASE, 0);
  atomic.store<i32>(SEEN, -1);
  const big = new Array<Box>(count);
  for (let i = 0; i < count; i++) big[i] = new Box(i & 7);
  spawnBackground(() => {
    while (atomic.load<i32>(RELEASE) == 0) sleep(1);
    let sum = 0;
    for (let i = 0; i < big.length; i++) sum += big[i].v;
    atomic.store<i32>(SEEN, sum);
  });
}

export function release(): void { atomic.store<i32>(RELEASE, 1); }
export function seen(): i32 { return atomic.load<i32>(SEEN); }

/**
 * Many closures at once, each capturing an integer, a string and an object and parking a pseudo-random number of
 * times (sleep or yield) before and between reads; returns how many saw their own values every time.
 */
export function stress(n: i32, seed: u32): i32 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  let r = seed == 0 ? 1 : seed;
  for (let i = 0; i < n; i++) {
    r = xorshift(r);
    const parks = <i32>(r % 7);
    const k = i;
    const name = "t" + i.toString();
    const box = new Box(i * 3);
    fs.push(g.spawn((): i32 => {
      let ok = 1;
      for (let p = 0; p < parks; p++) {
        if ((p & 1) == 0) yieldNow(); else sleep(0);
        if (k * 3 != box.v || name != "t" + k.toString()) ok = 0;
      }
      return ok;
    }));
  }
  g.join();
  let ok = 0;
  for (let i = 0; i < n; i++) ok += fs[i].get();
  return ok;
}

/** A closure's thread migrates: reads its captures before and after parking, returns whether they agree. */
export function migrate(n: i32): i32 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < n; i++) {
    const mine = "v" + i.toString();
    const before = i * 7;
    fs.push(g.spawn((): i32 => {
      const a = mine.length + before;
      const w0 = threadId();
      for (let k = 0; k < 5; k++) sleep(0);
      return (mine.length + before == a && threadId() == w0) ? 1 : 0;
    }));
  }
  g.join();
  let ok = 0;
  for (let i = 0; i < n; i++) ok += fs[i].get();
  return ok;
}

/** Misuse fails the thread with a message instead of reading another object as captured values. */
export function misuseSpawnArg(x: i32): i32 {
  const g = new ThreadGroup();
  const a = () => x + 1;
  const b = () => x + 2;
  g.spawn(a, changetype<Closure>(b)); // another closure's environment as the argument
  g.join();
  return 0;
}

export function misuseDirectCall(x: i32): i32 {
  const a = () => x + 1;
  const other = new Closure();
  return a(other); // called through its type with an object that is not its environment
}
