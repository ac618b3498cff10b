// Guest of test/runtime/gc-parallel.test.ts: object graphs built, parked on and dropped by many threads while
// collections run on every worker at once. Each structure carries the checksum computed when it was built and is
// checked again after every park: an object freed while still reachable (and its memory reused) shows as a mismatch.
import { ThreadGroup, Future, yieldNow, sleep } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

// --- structures of three shapes: a binary tree, a linked list with strings, a map of arrays

class TreeNode {
  constructor(public value: u32, public left: TreeNode | null, public right: TreeNode | null) {}
}

class ListNode {
  constructor(public value: u32, public label: string, public next: ListNode | null) {}
}

/** One kept structure: exactly one of tree, list, map is set; `expected` is its checksum when built. */
class Structure {
  tree: TreeNode | null = null;
  list: ListNode | null = null;
  map: Map<u32, Array<u32>> | null = null;
  expected: u64 = 0;
}

function mix(h: u64, v: u64): u64 {
  return (h ^ v) * 1099511628211;
}

function buildTree(x: u32, depth: i32): TreeNode {
  if (depth == 0) return new TreeNode(x, null, null);
  return new TreeNode(x, buildTree(xorshift(x), depth - 1), buildTree(xorshift(x ^ 0x9e3779b9), depth - 1));
}

function treeSum(t: TreeNode | null, h: u64): u64 {
  while (t) {
    h = mix(h, <u64>t.value);
    h = treeSum(t.left, h);
    t = t.right;
  }
  return mix(h, 7);
}

function buildList(x: u32, n: i32): ListNode | null {
  let head: ListNode | null = null;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    head = new ListNode(x, "l" + (x & 0xffff).toString(16), head);
  }
  return head;
}

function listSum(l: ListNode | null): u64 {
  let h: u64 = 1469598103934665603;
  while (l) {
    h = mix(h, <u64>l.value);
    const s = l.label;
    for (let i = 0; i < s.length; i++) h = mix(h, <u64>s.charCodeAt(i));
    l = l.next;
  }
  return h;
}

function buildMap(x: u32, keys: i32): Map<u32, Array<u32>> {
  const m = new Map<u32, Array<u32>>();
  for (let k = 0; k < keys; k++) {
    x = xorshift(x);
    const a = new Array<u32>(0);
    const n = <i32>(x % 48) + 1;
    for (let i = 0; i < n; i++) a.push(x + <u32>i * 2654435761);
    m.set(<u32>k, a);
  }
  return m;
}

function mapSum(m: Map<u32, Array<u32>>): u64 {
  let h: u64 = 1469598103934665603;
  const keys = m.keys();
  for (let k = 0; k < keys.length; k++) {
    const a = m.get(keys[k]);
    h = mix(h, <u64>keys[k]);
    for (let i = 0; i < a.length; i++) h = mix(h, <u64>a[i]);
  }
  return h;
}

function checksum(s: Structure): u64 {
  if (s.tree) return treeSum(s.tree, 1469598103934665603);
  if (s.list) return listSum(s.list);
  return mapSum(s.map!);
}

function makeStructure(x: u32): Structure {
  const s = new Structure();
  const kind = x % 3;
  if (kind == 0) s.tree = buildTree(x, 4 + <i32>((x >> 4) % 6));
  else if (kind == 1) s.list = buildList(x, 50 + <i32>((x >> 4) % 1500));
  else s.map = buildMap(x, 10 + <i32>((x >> 4) % 150));
  s.expected = checksum(s);
  return s;
}

/** Short-lived garbage: strings, arrays and objects, none kept. */
function garbage(x: u32, steps: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < steps; i++) {
    x = xorshift(x);
    const s = "g" + x.toString();
    const a = new Array<u32>(4);
    a[0] = x;
    const t = new TreeNode(x, null, null);
    acc += a[0] ^ <u32>s.length ^ t.value;
  }
  return acc;
}

/**
 * One thread: builds structures, keeps up to `keep` of them (dropping a random one when full), parks, makes garbage,
 * and checks every kept structure after each park. Also hands one structure to a child and back through futures.
 * Returns the mismatches seen (0 when nothing kept alive was lost).
 */
function worker(seed: u32, rounds: i32, keep: i32): i32 {
  let x = xorshift(seed | 1);
  const kept = new Array<Structure>(0);
  let bad = 0;
  for (let r = 0; r < rounds; r++) {
    x = xorshift(x);
    const s = makeStructure(x);
    if (kept.length < keep) kept.push(s);
    else kept[<i32>(x % <u32>keep)] = s; // the one it replaces is garbage now
    if ((x & 3) == 0) sleep(0); else yieldNow();
    garbage(x, 200 + <i32>(x % 800));
    if ((x & 7) == 0) {
      // A structure built by a child, alive only in the future's result while the child is done and the parent parks.
      const g = new ThreadGroup();
      const f: Future<Structure> = g.spawn<u32, Structure>(makeStructure, xorshift(x ^ 0x5bd1e995));
      g.join();
      yieldNow();
      const c = f.get();
      if (checksum(c) != c.expected) bad++;
    }
    for (let i = 0; i < kept.length; i++) if (checksum(kept[i]) != kept[i].expected) bad++;
  }
  return bad;
}

/** `threads` threads of `rounds` rounds each; returns the total mismatches. */
export function churnGraphs(threads: i32, rounds: i32, keep: i32, seed: i32): i32 {
  const g = new ThreadGroup();
  const results = new Array<Future<i32>>(0);
  for (let t = 0; t < threads; t++) {
    const s = <u32>seed * 7919 + <u32>t * 104729 + 1;
    results.push(g.spawn(() => worker(s, rounds, keep)));
  }
  g.join();
  let bad = 0;
  for (let t = 0; t < threads; t++) bad += results[t].get();
  return bad;
}

// --- a graph given by the host: node sizes, edges and roots; the host computes the expected fold

class GraphNode {
  children: Array<GraphNode> = new Array<GraphNode>(0);
  constructor(public id: i32, public payload: Array<i32>) {}
}

const CELLS: usize = memory.data(8);
const READY: usize = CELLS;
const RELEASED: usize = CELLS + 4;

/**
 * Builds the graph (node i has a payload of sizes[i] i32s, value i * 31 + j), keeps only the roots, signals ready,
 * parks until release(), then folds every node reachable from the roots: sum over them of id * 1000003 + payload sum.
 */
export function holdGraph(sizes: Int32Array, edges: Int32Array, roots: Int32Array): i64 {
  const n = sizes.length;
  const nodes = new Array<GraphNode>(0);
  for (let i = 0; i < n; i++) {
    const p = new Array<i32>(sizes[i]);
    for (let j = 0; j < p.length; j++) p[j] = i * 31 + j;
    nodes.push(new GraphNode(i, p));
  }
  for (let e = 0; e + 1 < edges.length; e += 2) nodes[edges[e]].children.push(nodes[edges[e + 1]]);
  const kept = new Array<GraphNode>(0);
  for (let r = 0; r < roots.length; r++) kept.push(nodes[roots[r]]);
  nodes.length = 0; // only the roots keep the graph now
  atomic.store<i32>(READY, 1);
  while (atomic.load<i32>(RELEASED) == 0) sleep(1);
  const seen = new Set<i32>();
  const stack = new Array<GraphNode>(0);
  for (let r = 0; r < kept.length; r++) stack.push(kept[r]);
  let fold: i64 = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    let sum: i64 = 0;
    for (let j = 0; j < v.payload.length; j++) sum += v.payload[j];
    fold += <i64>v.id * 1000003 + sum;
    for (let c = 0; c < v.children.length; c++) stack.push(v.children[c]);
  }
  return fold;
}

export function graphReady(): i32 {
  return atomic.load<i32>(READY);
}

export function releaseGraph(): void {
  atomic.store<i32>(RELEASED, 1);
}

export function resetGraph(): void {
  atomic.store<i32>(READY, 0);
  atomic.store<i32>(RELEASED, 0);
}

// --- exact live counts: a module variable holds a preallocated table that the host fills in steps

class Leaf {
  constructor(public id: i32) {}
}

let table: StaticArray<Leaf | null> = new StaticArray<Leaf | null>(0);

/** A table of `capacity` empty slots (one object: filling it allocates only the leaves). */
export function makeTable(capacity: i32): void {
  table = new StaticArray<Leaf | null>(capacity);
}

/** Puts a new leaf in slots [from, to). */
export function fillTable(from: i32, to: i32): void {
  for (let i = from; i < to; i++) table[i] = new Leaf(i);
}

/** Number of slots whose leaf still has its id. */
export function checkTable(to: i32): i32 {
  let ok = 0;
  for (let i = 0; i < to; i++) {
    const leaf = table[i];
    if (leaf && leaf.id == i) ok++;
  }
  return ok;
}
