// Guest of test/runtime/program.test.ts: one program however many workers run it. Module variables, static fields
// and namespace variables are shared by every thread on every worker; top-level code runs once per runtime; std's
// conversions and Math.random are safe from any thread; atomic cells count exactly.
import {
  ThreadGroup, Future, Mutex, yieldNow, sleep, threadId, AtomicI32, AtomicI64, AtomicBool,
} from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

// --- the guest: a module-level Mutex and a plain module variable

const counter = new Mutex<i32>(0);
let plain: i32 = 0;

function work(n: i32): void {
  for (let i = 0; i < n; i++) {
    const g = counter.lock();
    g.value = g.value + 1;
    g.unlock();
    plain++; // a data race on purpose when threads run in parallel: only the mutex counter is exact
    yieldNow();
  }
}

/** Returns the mutex counter after `threads` threads added `n` each: it keeps counting across calls. */
export function run(threads: i32, n: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<i32, void>(work, n);
  g.join();
  const x = counter.lock();
  const v = x.value;
  x.unlock();
  return v;
}

// --- top-level code runs once per runtime: counted in static memory (a memory.data cell, never per worker)

const TOP_LEVEL_RUNS = memory.data(4);
atomic.add<i32>(TOP_LEVEL_RUNS, 1);
let initialisedAtTopLevel: i32 = 41;
initialisedAtTopLevel++;

export function topLevelRuns(): i32 {
  return atomic.load<i32>(TOP_LEVEL_RUNS);
}

export function topLevelValue(): i32 {
  return initialisedAtTopLevel;
}

// --- static class fields and namespace variables

class Registry {
  static count: i32 = 0;
  static names: Array<string> = new Array<string>();
  static lock: Mutex<i32> = new Mutex<i32>(0);
}

namespace Stats {
  export let hits: i64 = 0;
  export let last: string = "";
}

function register(i: i32): void {
  for (let k = 0; k < 10; k++) {
    const g = Registry.lock.lock();
    Registry.count++;
    Stats.hits += 2;
    Stats.last = "t" + i.toString();
    if (k == 0) Registry.names.push(Stats.last);
    g.unlock();
    yieldNow();
  }
}

/** `threads` threads, 10 locked updates each; returns "count hits names". */
export function statics(threads: i32): string {
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<i32, void>(register, i);
  g.join();
  return `${Registry.count} ${Stats.hits} ${Registry.names.length}`;
}

// --- a thread that migrates keeps seeing the same variables

@external("host", "workerId") declare function workerId(): i32;

let marker: i64 = 0;

function spin(rounds: i32): void {
  for (let i = 0; i < rounds; i++) yieldNow();
}

/**
 * Writes a module variable, then yields (beside busy companions) until it runs on another worker, and reads the
 * variable again. Returns "migrated readBack" (readBack is the value written when nothing else wrote it).
 */
export function migrateAndRead(value: i64): string {
  const g = new ThreadGroup();
  for (let i = 0; i < 8; i++) g.spawn<i32, void>(spin, 20000);
  marker = value;
  const first = workerId();
  let migrated = false;
  // Yields keep a thread on its worker unless another steals it; a sleep ends on whichever worker fires its timer.
  for (let i = 0; i < 4000 && !migrated; i++) {
    if (i & 1) sleep(1);
    else yieldNow();
    migrated = workerId() != first;
  }
  const readBack = marker;
  g.cancel();
  g.join();
  return `${migrated} ${readBack}`;
}

// --- std's conversions from many threads at once

function f64From(x: u32, y: u32): f64 {
  // Up to 13 significant digits, 3 after the point, either sign: std converts these exactly both ways on one
  // worker (its parseFloat is not correctly rounded for 17-digit numbers, which has nothing to do with threads).
  const n = <f64>(<i64>x * 1000 + <i64>(y % 1000));
  return (y & 1 ? -n : n) / 1000.0;
}

/** Converts `count` numbers to strings and back; returns how many did not round-trip exactly. */
function convert(seed: i32, count: i32): i32 {
  let x = <u32>seed * 2654435761 + 1;
  let wrong = 0;
  for (let i = 0; i < count; i++) {
    x = xorshift(x);
    const y = xorshift(x ^ 0x9e3779b9);
    const d = f64From(x, y);
    if (parseFloat(d.toString()) != d) wrong++;
    const f = <f32>(<f64>x / 65536.0);
    if (<f32>parseFloat(f.toString()) != f) wrong++;
    const n = (<i64>x << 20) ^ <i64>y;
    if (I64.parseInt(n.toString()) != n) wrong++;
    const s = x.toString(16) + "/" + y.toString();
    if (s != x.toString(16) + "/" + y.toString()) wrong++;
    if ((i & 255) == 0) yieldNow();
  }
  return wrong;
}

/** `threads` threads each doing `count` rounds of 4 conversions; returns the number that were wrong. */
let CONVERSIONS: i32 = 0;

export function conversions(threads: i32, count: i32): i32 {
  CONVERSIONS = count; // before the spawns: the children read it, on any worker
  const g = new ThreadGroup();
  const futures = new Array<Future<i32>>();
  for (let i = 0; i < threads; i++) futures.push(g.spawn<i32, i32>((seed: i32): i32 => convert(seed, CONVERSIONS), i + 1));
  g.join();
  let wrong = 0;
  for (let i = 0; i < threads; i++) wrong += futures[i].get();
  return wrong;
}

// --- Math.random: one generator per program

function draw(n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    s = s * 0.5 + Math.random();
    yieldNow();
  }
  return s;
}

/** Seeds the program's generator and draws `n` numbers in one thread (which may move between workers). */
export function seeded(seed: i64, n: i32): f64 {
  NativeMath.seedRandom(seed);
  const g = new ThreadGroup();
  const f = g.spawn<i32, f64>(draw, n);
  g.join();
  return f.get();
}

function drawMany(n: i32): i32 {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    if (r >= 0 && r < 1) ok++;
    if ((i & 63) == 0) yieldNow();
  }
  return ok;
}

/** Many threads drawing at once: every number in [0, 1). Returns how many were. */
export function randomFromThreads(threads: i32, n: i32): i32 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < threads; i++) fs.push(g.spawn<i32, i32>(drawMany, n));
  g.join();
  let ok = 0;
  for (let i = 0; i < threads; i++) ok += fs[i].get();
  return ok;
}

// --- the essay's download_all: a module-level Mutex<Map<string, string>>

const results = new Mutex<Map<string, string>>(new Map<string, string>());

function downloadAndStore(i: i32): void {
  const url = "https://example.test/page/" + i.toString();
  sleep(<f64>(i % 3)); // the "download"
  const body = "body of " + url + " " + (i * 7).toString();
  const g = results.lock();
  g.value.set(url, body);
  g.unlock();
}

/** Downloads `n` pages into the shared store; returns how many entries it holds with the right body. */
export function downloadAll(n: i32): i32 {
  const g = new ThreadGroup(8);
  for (let i = 0; i < n; i++) g.spawn<i32, void>(downloadAndStore, i);
  g.join();
  const r = results.lock();
  let good = 0;
  for (let i = 0; i < n; i++) {
    const url = "https://example.test/page/" + i.toString();
    if (r.value.has(url) && r.value.get(url) == "body of " + url + " " + (i * 7).toString()) good++;
  }
  r.unlock();
  return good;
}

// --- the collector: module variables are roots, once per program

class Node {
  constructor(public value: i32, public children: Array<Node>) {}
}

let graph: Node | null = null;

function makeGraph(depth: i32, value: i32): Node {
  const children = new Array<Node>();
  if (depth > 0) for (let i = 0; i < 4; i++) children.push(makeGraph(depth - 1, value * 4 + i));
  return new Node(value, children);
}

function sumGraph(n: Node): i64 {
  let s: i64 = n.value;
  for (let i = 0; i < n.children.length; i++) s += sumGraph(n.children[i]);
  return s;
}

/** Builds a graph held only by a module variable (depth 7: 21,845 nodes). */
export function buildGraph(): i64 {
  graph = makeGraph(7, 1);
  return sumGraph(graph!);
}

/** Makes garbage on `threads` threads (enough for collections), then sums the graph again. */
export function churnThenSum(threads: i32, perThread: i32): i64 {
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<i32, void>(garbage, perThread);
  g.join();
  return sumGraph(graph!);
}

function garbage(n: i32): void {
  let x: u32 = 7;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    const a = new Array<u32>(16);
    a[0] = x;
    if ((i & 1023) == 0) yieldNow();
  }
}

// A module-level Map of arrays, rewritten by threads while collections run.
const table = new Map<i32, Array<i32>>();
const tableLock = new Mutex<i32>(0);

function rewrite(worker: i32): void {
  for (let round = 0; round < 200; round++) {
    const key = (worker * 7 + round) % 64;
    const arr = new Array<i32>();
    for (let k = 0; k < 32; k++) arr.push(key * 1000 + k);
    for (let k = 0; k < 200; k++) new Array<i32>(8); // garbage, to bring collections on
    const g = tableLock.lock();
    table.set(key, arr);
    g.unlock();
    yieldNow();
  }
}

/** Threads rewrite the table; returns how many of its 64 entries are intact. */
export function churnTable(threads: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<i32, void>(rewrite, i);
  g.join();
  let intact = 0;
  for (let key = 0; key < 64; key++) {
    if (!table.has(key)) continue;
    const arr = table.get(key);
    let ok = arr.length == 32;
    for (let k = 0; ok && k < 32; k++) ok = arr[k] == key * 1000 + k;
    if (ok) intact++;
  }
  return intact;
}

// --- atomic cells as module variables

const hits = new AtomicI32(0);
const total = new AtomicI64(0);
const seen = new AtomicBool(false);
let firstWinner: i32 = 0; // written only by the one thread that won the compare-and-set

function hammer(n: i32): void {
  for (let i = 0; i < n; i++) {
    hits.add(1);
    total.add(3);
    if (seen.compareAndSet(false, true)) firstWinner = threadId();
    if ((i & 15) == 0) yieldNow();
  }
}

/** Returns "hits total winners" after `threads` threads did `n` unlocked atomic updates each. */
export function atomics(threads: i32, n: i32): string {
  hits.store(0);
  total.store(0);
  seen.store(false);
  firstWinner = 0;
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<i32, void>(hammer, n);
  g.join();
  return `${hits.load()} ${total.load()} ${firstWinner != 0 ? 1 : 0}`;
}

// Symbol.for: one registry per program.
function symbols(i: i32): i32 {
  let same = 0;
  for (let k = 0; k < 50; k++) {
    const a = Symbol.for("key" + ((i + k) % 10).toString());
    yieldNow();
    const b = Symbol.for("key" + ((i + k) % 10).toString());
    if (changetype<usize>(a) == changetype<usize>(b)) same++;
  }
  return same;
}

/** Threads look up 10 symbols by key; returns how many lookups gave the same symbol twice. */
export function symbolRegistry(threads: i32): i32 {
  const g = new ThreadGroup();
  const fs = new Array<Future<i32>>();
  for (let i = 0; i < threads; i++) fs.push(g.spawn<i32, i32>(symbols, i));
  g.join();
  let same = 0;
  for (let i = 0; i < threads; i++) same += fs[i].get();
  return same;
}

// --- std's other per-worker scratch (std-audit.ts): trigonometric reduction of large arguments (rempio2_y0/y1,
// res128_hi), sincos's results, pow's log_tail, Date's _month/_day. Each thread must get what one thread alone gets.

function stdScratch(seed: i32, rounds: i32, yielding: bool): f64 {
  let acc: f64 = 0;
  for (let i = 0; i < rounds; i++) {
    const x = 1.0e10 + <f64>(seed * 7919 + i) * 0.37; // large: the slow argument reduction
    acc += Math.sin(x) + Math.cos(x * 1.5) + Mathf.sin(<f32>(x * 1e-6));
    NativeMath.sincos(x * 0.5);
    acc += NativeMath.sincos_sin * 3 + NativeMath.sincos_cos;
    acc += Math.pow(1.0 + <f64>i * 0.001, 1.7);
    const d = new Date(<i64>(seed * 86_400_000) * 37 + <i64>i * 3_600_000);
    acc += <f64>(d.getUTCFullYear() * 400 + d.getUTCMonth() * 31 + d.getUTCDate());
    if (yielding && (i & 15) == 0) yieldNow();
  }
  return acc;
}

function stdScratchThread(seed: i32): f64 {
  return stdScratch(seed, STD_ROUNDS, true);
}

let STD_ROUNDS: i32 = 0;

/** `threads` threads run the std scratch workload at once; returns how many got exactly the one-thread result. */
export function stdScratchFromThreads(threads: i32, rounds: i32): i32 {
  STD_ROUNDS = rounds;
  const expected = new Array<f64>();
  for (let i = 0; i < threads; i++) expected.push(stdScratch(i + 1, rounds, false)); // before any thread runs
  const g = new ThreadGroup();
  const fs = new Array<Future<f64>>();
  for (let i = 0; i < threads; i++) fs.push(g.spawn<i32, f64>(stdScratchThread, i + 1));
  g.join();
  let same = 0;
  for (let i = 0; i < threads; i++) if (fs[i].get() == expected[i]) same++;
  return same;
}
