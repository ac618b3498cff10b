// Guest of test/runtime/gc-together.test.ts: the workers stopped at a collection's safepoint (and idle ones woken
// for a long pause) mark and sweep together with the collector (memory/gc.ts, "Marking together"). Holders build
// structures of random shapes, check them, park, and check them again after collections; churners allocate
// garbage and reach scheduling points, so every worker is running threads when a collection stops it.
import { ThreadGroup, Future, sleep, yieldNow } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { HEAP_START, OBJECT_OVERHEAD } from "vthreads/memory/layout";
import { HEADER_SIZE, F_ALLOCATED } from "vthreads/memory/heap";

class Node {
  constructor(public value: i32, public next: Node | null, public label: string) {}
}

/** One holder's structure: a list, a wide array (slices of 4096 are traced and shared one at a time), a string map. */
class Shape {
  list: Node | null = null;
  wide: Array<Node> = new Array<Node>(0);
  names: Map<i32, string> = new Map<i32, string>();
}

// Shared cells (atomics: threads run on every worker).
const CELLS: usize = memory.data(12);
const READY: usize = CELLS;        // holders that built and checked their structure
const RELEASED: usize = CELLS + 4; // the host lets them check again and finish
const STOP: usize = CELLS + 8;     // the churners stop

/** Bounds of a shape: lists up to `scale` nodes, narrow arrays up to scale / 4, up to scale / 8 names. */
let scale: u32 = 200; // set by holdShapes before it spawns (a module variable: one per program, every worker sees it)

function build(seed: u32): Shape {
  const s = new Shape();
  let x = seed | 1;
  x = xorshift(x);
  const listLength = <i32>(x % scale);
  for (let i = 0; i < listLength; i++) s.list = new Node(i, s.list, "l" + i.toString());
  x = xorshift(x);
  // Most holders have a narrow array; one in 64 a wide one (more than two slices of 4096).
  const wide = (x & 63) == 0 ? 9000 + <i32>(x % 4000) : <i32>(x % (scale / 4 + 1));
  for (let i = 0; i < wide; i++) s.wide.push(new Node(i * 3, null, ""));
  x = xorshift(x);
  const names = <i32>(x % (scale / 8 + 1));
  for (let i = 0; i < names; i++) s.names.set(i, "name-" + (<i32>seed ^ i).toString());
  return s;
}

/**
 * Whether the heap block of an object is still allocated: a live object the collector freed keeps its contents
 * until the block is reused, so a checksum alone would not see it lost. Static objects (literals) are never freed.
 */
function allocated<T>(o: T): bool {
  const p = changetype<usize>(o);
  if (p < <usize>atomic.load<u32>(HEAP_START)) return true;
  return (load<u32>(p - OBJECT_OVERHEAD - HEADER_SIZE) & F_ALLOCATED) != 0;
}

/**
 * A checksum over everything the shape reaches (values, string contents), 0 when an object it reaches was freed:
 * equal before and after if nothing was lost.
 */
function checksum(s: Shape, seed: u32): u32 {
  if (!allocated(s) || !allocated(s.wide) || !allocated<usize>(s.wide.dataStart) || !allocated(s.names)) return 0;
  let h: u32 = 2166136261;
  let n = s.list;
  while (n != null) {
    if (!allocated(n) || !allocated(n.label)) return 0;
    h = (h ^ <u32>n.value) * 16777619;
    h = (h ^ <u32>n.label.length) * 16777619;
    n = n.next;
  }
  for (let i = 0; i < s.wide.length; i++) {
    if (!allocated(s.wide[i])) return 0;
    h = (h ^ <u32>s.wide[i].value) * 16777619;
  }
  const keys = s.names.keys();
  for (let i = 0; i < keys.length; i++) {
    const name = s.names.get(keys[i]);
    if (!allocated(name)) return 0;
    if (name != "name-" + (<i32>seed ^ keys[i]).toString()) return 0; // a string's contents changed
    h = (h ^ <u32>name.length) * 16777619;
  }
  return h == 0 ? 1 : h;
}

function holder(seed: u32): i32 {
  const s = build(seed);
  const before = checksum(s, seed);
  atomic.add<i32>(READY, 1);
  while (atomic.load<i32>(RELEASED) == 0) sleep(2);
  return checksum(s, seed) == before ? 1 : 0;
}

function churner(seed: u32): i32 {
  let x = seed | 1;
  let kept: Array<Node> = new Array<Node>(0);
  while (atomic.load<i32>(STOP) == 0) {
    x = xorshift(x);
    kept.push(new Node(<i32>x, null, "g"));
    if (kept.length > 256) kept = new Array<Node>(0); // the rest is garbage
    if ((x & 63) == 0) yieldNow(); // a scheduling point: a collection stops this worker here
  }
  return kept.length;
}

/**
 * Starts `holders` holders (seeds from `seed`, shapes bounded by `size`) and `churners` churners, waits until every
 * holder is ready, and keeps them until release(). Returns how many holders found their structure intact (all of
 * them, or some were lost).
 */
export function holdShapes(holders: i32, churners: i32, seed: u32, size: u32): i32 {
  scale = size;
  atomic.store<i32>(RELEASED, 0);
  atomic.store<i32>(STOP, 0);
  const g = new ThreadGroup();
  const busy = new ThreadGroup();
  const futures = new Array<Future<i32>>(0);
  let x = seed | 1;
  for (let i = 0; i < holders; i++) {
    x = xorshift(x);
    futures.push(g.spawn<u32, i32>(holder, x));
  }
  // The churners start once every holder has built its shape (or the host released them already: it resets READY).
  while (atomic.load<i32>(READY) < holders && atomic.load<i32>(RELEASED) == 0) sleep(1);
  for (let i = 0; i < churners; i++) busy.spawn<u32, i32>(churner, <u32>i + 1);
  g.join();
  atomic.store<i32>(STOP, 1);
  busy.join();
  let intact = 0;
  for (let i = 0; i < futures.length; i++) intact += futures[i].get();
  return intact;
}

export function ready(): i32 {
  return atomic.load<i32>(READY);
}

/** Lets the holders finish, and counts READY from 0 again (every holder has counted itself), for the next call. */
export function release(): void {
  atomic.store<i32>(READY, 0);
  atomic.store<i32>(RELEASED, 1);
}
