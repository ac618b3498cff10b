// Guest of test/runtime/spawn-types.test.ts: a spawned function's argument travels through the thread record as 64
// bits and its result through its Future; each export sends its argument through a child and back.
import { ThreadGroup, Future, yieldNow } from "vthreads";

function negI8(x: i8): i8 { yieldNow(); return -x; }
function echoU16(x: u16): u16 { yieldNow(); return x; }
function halfF32(x: f32): f32 { yieldNow(); return x / 2; }
function halfF64(x: f64): f64 { yieldNow(); return x / 2; }
function notBool(x: bool): bool { yieldNow(); return !x; }
function negI64(x: i64): i64 { yieldNow(); return -x; }
function incU64(x: u64): u64 { yieldNow(); return x + 1; }
function lengthOf(s: string): i32 { yieldNow(); return s.length; }
function sumOf(xs: Array<i32>): i64 {
  yieldNow();
  let t: i64 = 0;
  for (let i = 0; i < xs.length; i++) t += <i64>xs[i];
  return t;
}
function maybeShout(s: string): string | null {
  yieldNow();
  return s.length == 0 ? null : s + "!";
}

export function viaI8(x: i8): i8 { const g = new ThreadGroup(); const f = g.spawn<i8, i8>(negI8, x); g.join(); return f.get(); }
export function viaU16(x: u16): u16 { const g = new ThreadGroup(); const f = g.spawn<u16, u16>(echoU16, x); g.join(); return f.get(); }
export function viaF32(x: f32): f32 { const g = new ThreadGroup(); const f = g.spawn<f32, f32>(halfF32, x); g.join(); return f.get(); }
export function viaF64(x: f64): f64 { const g = new ThreadGroup(); const f = g.spawn<f64, f64>(halfF64, x); g.join(); return f.get(); }
export function viaBool(x: bool): bool { const g = new ThreadGroup(); const f = g.spawn<bool, bool>(notBool, x); g.join(); return f.get(); }
export function viaI64(x: i64): i64 { const g = new ThreadGroup(); const f = g.spawn<i64, i64>(negI64, x); g.join(); return f.get(); }
export function viaU64(x: u64): u64 { const g = new ThreadGroup(); const f = g.spawn<u64, u64>(incU64, x); g.join(); return f.get(); }
export function viaString(s: string): i32 { const g = new ThreadGroup(); const f = g.spawn<string, i32>(lengthOf, s); g.join(); return f.get(); }
export function viaArray(xs: Array<i32>): i64 { const g = new ThreadGroup(); const f = g.spawn<Array<i32>, i64>(sumOf, xs); g.join(); return f.get(); }

/** A nullable reference result: "" comes back as null (reported as "<null>"), anything else with "!" added. */
export function viaNullable(s: string): string {
  const g = new ThreadGroup();
  const f: Future<string | null> = g.spawn<string, string | null>(maybeShout, s);
  g.join();
  const r = f.get();
  return r == null ? "<null>" : r;
}

/** get() without join, from many children at once: futures of every type complete independently. */
export function mixedGets(n: i32): f64 {
  const g = new ThreadGroup();
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = g.spawn<f64, f64>(halfF64, <f64>i);
    const b = g.spawn<i8, i8>(negI8, <i8>(i & 0x7f));
    const c = g.spawn<bool, bool>(notBool, (i & 1) == 0);
    total += a.get() + <f64>b.get() + (c.get() ? 1000 : 0);
  }
  g.join();
  return total;
}

// --- reference and void results

function shout(s: string): string {
  yieldNow();
  return s + "!";
}
function pair(n: i32): Array<i32> {
  yieldNow();
  return [n, n * 2];
}

export function viaStringResult(s: string): string {
  const g = new ThreadGroup();
  const f = g.spawn<string, string>(shout, s);
  g.join();
  return f.get();
}

export function viaArrayResult(n: i32): Array<i32> {
  const g = new ThreadGroup();
  const f = g.spawn<i32, Array<i32>>(pair, n);
  g.join();
  return f.get();
}

const TOTAL: usize = memory.data(8);

function addToTotal(x: i32): void {
  yieldNow();
  atomic.add<i32>(TOTAL, x);
}

/** n children add 1..n to a shared total and return nothing; get() on one, then join; returns the total. */
export function sumBySideEffect(n: i32): i32 {
  atomic.store<i32>(TOTAL, 0);
  const g = new ThreadGroup();
  const last = g.spawn<i32, void>(addToTotal, n);
  for (let i = 1; i < n; i++) g.spawn<i32, void>(addToTotal, i);
  last.get();
  g.join();
  return atomic.load<i32>(TOTAL);
}
