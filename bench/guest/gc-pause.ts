// Pause-time guest: a thread keeps `n` live objects (n/4 Nodes, each with a string, a 1-element array and its
// buffer) parked in its saved stack, while the host runs collections and reads each one's stop-the-world pause.
// holdParked: many parked threads, each with a few objects (roots slow to scan: collections in one pause).
import { ThreadGroup, Future, sleep } from "vthreads";

class Node {
  constructor(public value: i32, public name: string, public items: Array<i32>) {}
}

class Link {
  constructor(public value: i32, public next: Link | null) {}
}

const CELLS: usize = memory.data(8);
const READY: usize = CELLS;
const RELEASED: usize = CELLS + 4;

function holder(n: i32): i64 {
  const nodes = new Array<Node>(0);
  for (let i = 0; i < n / 4; i++) {
    const items = new Array<i32>(1);
    items[0] = i;
    nodes.push(new Node(i, "n" + (i & 1023).toString(), items));
  }
  atomic.store<i32>(READY, 1);
  while (atomic.load<i32>(RELEASED) == 0) sleep(1);
  let sum: i64 = 0;
  for (let i = 0; i < nodes.length; i++) sum += nodes[i].items[0];
  return sum;
}

/** Keeps about n objects alive until release(); returns the sum of the nodes' values (checked by the host). */
export function holdLive(n: i32): i64 {
  atomic.store<i32>(READY, 0);
  atomic.store<i32>(RELEASED, 0);
  const g = new ThreadGroup();
  const f = g.spawn<i32, i64>(holder, n);
  g.join();
  return f.get();
}

/**
 * A thread of holdParked: `each` objects in a list, parked until release(). Its saved stack is a root, so a million
 * such stacks make the roots slow to scan and a collection mark in one pause (the one the workers share).
 */
function parked(each: i32): i64 {
  let list: Link | null = null;
  for (let i = 0; i < each; i++) list = new Link(i, list);
  atomic.add<i32>(READY, 1);
  while (atomic.load<i32>(RELEASED) == 0) sleep(5);
  let n: i64 = 0;
  while (list != null) {
    n++;
    list = list!.next;
  }
  return n;
}

/** Keeps `threads` parked threads with `each` objects each until release(); returns the objects they still had. */
export function holdParked(threads: i32, each: i32): i64 {
  atomic.store<i32>(RELEASED, 0);
  const g = new ThreadGroup();
  const futures = new Array<Future<i64>>(0);
  for (let i = 0; i < threads; i++) futures.push(g.spawn<i32, i64>(parked, each));
  g.join();
  let total: i64 = 0;
  for (let i = 0; i < futures.length; i++) total += futures[i].get();
  return total;
}

/** holdLive: 1 once its structure is built; holdParked: the threads that have built theirs. */
export function ready(): i32 {
  return atomic.load<i32>(READY);
}

/** Lets the holders finish; READY counts from 0 again for the next call (every holder has counted itself). */
export function release(): void {
  atomic.store<i32>(READY, 0);
  atomic.store<i32>(RELEASED, 1);
}
