// Guest of test/runtime/gc.test.ts and gc-churn.test.ts: garbage, live data held across parks, deep stacks, globals,
// out of memory. Every structure a thread keeps carries a checksum computed when it was built; the thread recomputes
// it after every park, so an object collected while still reachable (and its memory reused) shows up as a mismatch.
import { ThreadGroup, Future, yieldNow, sleep, checkpoint, now } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { churnRounds, churnSeed, churnThreads } from "../../guest-lib/churn";

/** A node with references of every kind the collector must follow: an object, a string, an array, a typed array. */
class Rec {
  constructor(
    public id: u32,
    public name: string,
    public items: Array<i32>,
    public bytes: Uint8Array,
    public next: Rec | null,
  ) {}
}

/** A chain of `n` Recs derived from `x`; about 5 allocations per node. */
function build(x: u32, n: i32): Rec | null {
  let head: Rec | null = null;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    const items = new Array<i32>(0);
    const count = <i32>(x % 6);
    for (let k = 0; k < count; k++) items.push(<i32>(x >>> <u32>k));
    const bytes = new Uint8Array(<i32>(x & 15));
    for (let k = 0; k < bytes.length; k++) bytes[k] = <u8>(x + <u32>k);
    head = new Rec(x, "r" + x.toString(16), items, bytes, head);
  }
  return head;
}

/** Everything reachable from `r`, folded into one number. */
function checksum(r: Rec | null): u64 {
  let h: u64 = 1469598103934665603;
  while (r) {
    h = (h ^ <u64>r.id) * 1099511628211;
    const name = r.name;
    for (let i = 0; i < name.length; i++) h = (h ^ <u64>name.charCodeAt(i)) * 1099511628211;
    const items = r.items;
    for (let i = 0; i < items.length; i++) h = (h ^ <u64><u32>items[i]) * 1099511628211;
    const bytes = r.bytes;
    for (let i = 0; i < bytes.length; i++) h = (h ^ <u64>bytes[i]) * 1099511628211;
    h = (h ^ <u64>name.length) * 1099511628211;
    r = r.next;
  }
  return h;
}

/** Short-lived garbage: a string, an array and an object per step, none kept. Returns a value depending on all. */
function garbage(x: u32, steps: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < steps; i++) {
    x = xorshift(x);
    const s = "g" + x.toString();
    const a = new Array<u32>(3);
    a[0] = x; a[1] = <u32>s.length; a[2] = acc;
    const r = new Rec(x, s, new Array<i32>(0), new Uint8Array(0), null);
    acc += a[0] ^ a[1] ^ r.id ^ <u32>r.name.length;
  }
  return acc;
}

const ALLOCATIONS: usize = memory.data(8);
const MISMATCHES: usize = memory.data(8);

/** One churning thread: builds a structure, parks, checks it, drops it; `rounds` times. Returns mismatches. */
function churner(arg: i64): i32 {
  let x = churnSeed(arg);
  const rounds = churnRounds(arg);
  let bad = 0;
  let allocations: u64 = 0;
  for (let r = 0; r < rounds; r++) {
    x = xorshift(x);
    const n = 1 + <i32>(x % 4);
    const kept = build(x, n);
    const sum = checksum(kept);
    allocations += <u64>n * 5; // at least: the Rec, its string, its array, its Uint8Array and that one's buffer
    x = xorshift(x);
    if (garbage(x, 2) == 0x7fffffff) bad += 0; // result used, so the garbage is really made
    allocations += 2 * 6; // per step at least: a string, an Array and its buffer, a Rec, two empty arrays
    // Park while holding `kept` (only this thread's saved stack refers to it), in one of three ways.
    const how = x % 4;
    if (how == 0) sleep(0);
    else if (how == 1) sleep(1);
    else if (how == 2) yieldNow();
    else {
      // A child builds a structure and returns it through its Future (the runtime stores it in the future's `ref`).
      const g = new ThreadGroup();
      const f = g.spawn<u32, Rec | null>(builder, x);
      const child = f.get();
      if (checksum(child) != checksum(build(x, 3))) bad++;
      allocations += 2 * 3 * 5 + 1; // the child's structure, our rebuild of it, the group
    }
    if (checksum(kept) != sum) bad++;
  }
  atomic.add<u64>(ALLOCATIONS, allocations);
  if (bad != 0) atomic.add<u64>(MISMATCHES, <u64>bad);
  return bad;
}

function builder(x: u32): Rec | null {
  yieldNow(); // park once before building, so the parent is parked holding its own structure meanwhile
  const r = build(x, 3);
  yieldNow(); // and once after: `r` lives only in this thread's saved stack now
  return r;
}

/** `threads` churners of `rounds` rounds each; returns total mismatches (0 when the collector is right). */
export function churn(threads: i32, rounds: i32, seed: i32): i32 {
  return churnThreads(threads, rounds, seed, churner);
}

/** Allocations counted by churners so far (approximate: objects, strings, arrays and their buffers). */
export function allocationsCounted(): f64 {
  return <f64>atomic.load<u64>(ALLOCATIONS);
}

export function mismatchesCounted(): f64 {
  return <f64>atomic.load<u64>(MISMATCHES);
}

/**
 * A long loop that allocates garbage and never parks, only calls checkpoint(): collections must still happen
 * (checkpoint yields when one is pending) and the heap stay bounded. Keeps one structure live throughout.
 */
export function loop(iterations: i32, seed: i32): i32 {
  const kept = build(<u32>seed | 1, 50);
  const sum = checksum(kept);
  let x = <u32>seed | 1;
  let acc: u32 = 0;
  let bad = 0;
  for (let i = 0; i < iterations; i++) {
    x = xorshift(x);
    acc += garbage(x, 1);
    checkpoint();
    if ((i & 0xffff) == 0 && checksum(kept) != sum) bad++;
  }
  if (checksum(kept) != sum) bad++;
  return bad == 0 ? <i32>(acc & 0x7fffffff) | 0 : -bad;
}

/** Goes `depth` frames down, each frame holding a structure of its own, parks at the bottom, checks on the way up. */
function deep(depth: i32, x: u32, parks: i32): i32 {
  const mine = build(x, 2);
  const sum = checksum(mine);
  let bad = 0;
  if (depth == 0) {
    for (let i = 0; i < parks; i++) {
      sleep(1);
      garbage(x, 50);
    }
  } else {
    bad += deep(depth - 1, xorshift(x), parks);
  }
  if (checksum(mine) != sum) bad++;
  return bad;
}

function deepThread(arg: i64): i32 {
  return deep(<i32>(arg >>> 32), <u32>arg | 1, 5);
}

/** `threads` threads, each `depth` frames deep with live data in every frame, parked while others collect. */
export function deepStacks(threads: i32, depth: i32, seed: i32): i32 {
  const g = new ThreadGroup();
  const futures = new Array<Future<i32>>(0);
  let x = <u32>seed | 1;
  for (let i = 0; i < threads; i++) {
    x = xorshift(x);
    futures.push(g.spawn<i64, i32>(deepThread, (<i64>depth << 32) | <i64>x));
  }
  // Meanwhile this thread makes garbage so that collections happen while the others are parked deep down.
  let y = x;
  for (let i = 0; i < 200; i++) { y = xorshift(y); garbage(y, 500); yieldNow(); }
  g.join();
  let bad = 0;
  for (let i = 0; i < threads; i++) bad += futures[i].get();
  return bad;
}

// --- module variables (one per program: roots once, seen by every worker)
let kept: Rec | null = null;
let keptSum: u64 = 0;

/** Keeps a structure only in a module-level variable. */
export function keepInGlobal(seed: i32): i32 {
  kept = build(<u32>seed | 1, 20);
  keptSum = checksum(kept);
  return 1;
}

/** 1 when the structure kept by keepInGlobal is intact. */
export function checkGlobal(): i32 {
  return kept != null && checksum(kept) == keptSum ? 1 : 0;
}

/** Makes `steps` steps of garbage, yielding now and then (collections happen at the yields). */
export function makeGarbage(steps: i32, seed: i32): i32 {
  let x = <u32>seed | 1;
  for (let i = 0; i < steps; i += 100) {
    x = xorshift(x);
    garbage(x, 100);
    yieldNow();
  }
  return steps;
}

// --- words that only look like pointers

/**
 * How long to sleep so that the deadline the runtime stores (now() + ms, an f64) has `address` as its low word.
 * The deadline lands 15 to 50 minutes ahead: at 2^40 ms the low word wraps every 2^20 ms.
 */
function msAimedAt(address: u32): f64 {
  const t = now();
  const bits = (reinterpret<u64>(t + 2_000_000) & 0xffff_ffff_0000_0000) | <u64>address;
  return reinterpret<f64>(bits) - t;
}

/** The middle of a fresh `bytes`-byte buffer that nothing keeps; 0 (no address) when `bytes` is 0. */
function garbageAddress(bytes: i32): u32 {
  if (bytes == 0) return 0;
  const buffer = new ArrayBuffer(bytes);
  return <u32>changetype<usize>(buffer) + <u32>(bytes >> 1);
}

/**
 * Sleeps until a deadline whose low word points into the middle of a `bytes`-byte buffer that is garbage at once.
 * The clock's ulp at 2^40 ms is 2^-12 ms, so the deadline stays inside the buffer if sleep reads the clock less than
 * bytes / 2 / 4096 ms after msAimedAt did. It sleeps for at least 15 minutes: cancel it.
 */
export function sleepAimedAtGarbage(bytes: i32): i32 {
  sleep(msAimedAt(garbageAddress(bytes)));
  return 0;
}

// --- out of memory

/** Holds more and more 64 MiB arrays until the memory is full: fails with out of memory. */
export function exhaust(): i32 {
  const held = new Array<Uint8Array>(0);
  while (true) {
    held.push(new Uint8Array(64 << 20));
    yieldNow();
  }
  return held.length;
}

function exhaustChild(_x: i32): i32 {
  return exhaust();
}

/** A child runs out of memory: its group fails, and the parent's join reports it. */
export function exhaustInGroup(): i32 {
  const g = new ThreadGroup();
  g.spawn<i32, i32>(exhaustChild, 0);
  g.join();
  return 0;
}

/** Allocates `mb` MiB in 16 MiB arrays and keeps them until the end of the call. */
export function allocateMb(mb: i32): i32 {
  const held = new Array<Uint8Array>(0);
  for (let i = 0; i < mb; i += 16) {
    const a = new Uint8Array(16 << 20);
    a[i & 0xffff] = 1;
    held.push(a);
    yieldNow();
  }
  return held.length;
}

// --- the host boundary

/** Returns a new string built from every argument (the arguments must survive the collections in between). */
export function echo(s: string, parts: Array<string>, nums: Int32Array, rounds: i32): string {
  let x: u32 = 7;
  for (let i = 0; i < rounds; i++) { x = xorshift(x); garbage(x, 200); yieldNow(); }
  let out = s + ":" + parts.join(",") + ":";
  for (let i = 0; i < nums.length; i++) out += nums[i].toString() + ";";
  return out;
}
