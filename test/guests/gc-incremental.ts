// Guest of test/runtime/gc-incremental.test.ts: threads move references between guest objects, their own stacks,
// channels and futures while a collection marks between its pauses, the moves its write barrier must see (a
// reference taken out of an object the collector has not traced yet and stored into one it has). Every structure
// carries the checksum it was built with and is checked whenever a thread picks it up, so an object freed while still
// reachable (and its block reused) shows up as a mismatch.
import { ThreadGroup, Future, Channel, yieldNow } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

class Rec {
  sum: u64 = 0;
  constructor(public id: u32, public name: string, public items: Array<i32>, public next: Rec | null) {}
}

function digest(r: Rec | null): u64 {
  let h: u64 = 1469598103934665603;
  while (r) {
    h = (h ^ <u64>r.id) * 1099511628211;
    const name = r.name;
    for (let i = 0; i < name.length; i++) h = (h ^ <u64>name.charCodeAt(i)) * 1099511628211;
    const items = r.items;
    for (let i = 0; i < items.length; i++) h = (h ^ <u64><u32>items[i]) * 1099511628211;
    r = r.next;
  }
  return h;
}

/** A chain of `n` Recs from `x`; the head records the chain's checksum. */
function build(x: u32, n: i32): Rec {
  let head: Rec | null = null;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    const items = new Array<i32>(0);
    for (let k = 0; k < <i32>(x % 5); k++) items.push(<i32>(x >>> <u32>k));
    head = new Rec(x, "r" + x.toString(16), items, head);
  }
  const r = head!;
  r.sum = digest(r);
  return r;
}

function intact(r: Rec | null): bool {
  return r == null || r.sum == digest(r);
}

/** Garbage that makes the allocator ask for collections and, while one marks, for its steps. */
function garbage(x: u32, n: i32): u32 {
  let acc: u32 = 0;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    const a = new Array<u32>(4);
    a[0] = x;
    acc += a[0] + <u32>("g" + x.toString()).length;
  }
  return acc;
}

// Shared by every thread of a run: shelves (one per thread, `slots` entries each) and one channel.
let shelves: Array<Array<Rec | null>> = [];
let passing: Channel<Rec> = new Channel<Rec>(64);

class Job {
  constructor(public index: i32, public rounds: i32, public seed: u32, public slots: i32) {}
}

function mover(job: Job): i32 {
  const mine = shelves[job.index];
  const other = shelves[(job.index + 1) % shelves.length];
  const held = new Array<Rec>(0); // a thread-local list: reachable only from this thread's stack
  let x = job.seed;
  let bad = 0;
  for (let round = 0; round < job.rounds; round++) {
    x = xorshift(x);
    const i = <i32>(x % <u32>job.slots);
    // Out of a shelf, into a local only: the shelf may be marked already, this thread's stack is scanned at the end.
    const taken = mine[i];
    mine[i] = null;
    if (!intact(taken)) bad++;
    if (x & 1) yieldNow(); // a pause may come now
    garbage(x, 8 + <i32>(x & 31));
    const j = <i32>((x >>> 8) % <u32>job.slots);
    switch ((x >>> 16) & 7) {
      case 0: // into the neighbour's shelf (another thread may take it from there)
        if (taken != null && other[j] == null) other[j] = taken;
        else if (taken != null) held.push(taken);
        break;
      case 1: // through the channel, to whichever thread receives next
        if (taken != null && !passing.trySend(taken)) held.push(taken);
        break;
      case 2: // a fresh structure into an old shelf
        mine[i] = build(x, 1 + <i32>(x & 3));
        if (taken != null) held.push(taken);
        break;
      case 3: // back from the local list
        if (held.length > 0) mine[i] = held.pop();
        if (taken != null) held.push(taken);
        break;
      case 4: // from the channel
        if (passing.tryRecv()) {
          const got = passing.take();
          if (!intact(got)) bad++;
          held.push(got);
        }
        if (taken != null) mine[j] == null ? (mine[j] = taken) : held.push(taken);
        break;
      default: // back where it was, after the pause
        mine[i] = taken;
    }
  }
  // Everything still reachable is checked once more; the held ones go back to the shelves for the next phase.
  for (let k = 0; k < held.length; k++) if (!intact(held[k])) bad++;
  for (let k = 0; k < held.length && k < job.slots; k++) if (mine[k] == null) mine[k] = held[k];
  return bad;
}

/**
 * `threads` movers for `rounds` rounds each over shelves of `slots` structures (about 12 objects each). Returns the
 * number of damaged structures found (0 when the collector kept everything reachable).
 */
export function shuffle(threads: i32, rounds: i32, slots: i32, seed: u32): i32 {
  shelves = new Array<Array<Rec | null>>(0);
  let x = seed;
  for (let t = 0; t < threads; t++) {
    const shelf = new Array<Rec | null>(slots);
    for (let i = 0; i < slots; i++) {
      x = xorshift(x);
      shelf[i] = build(x, 1 + <i32>(x & 3));
    }
    shelves.push(shelf);
  }
  passing = new Channel<Rec>(64);
  const g = new ThreadGroup();
  const futures = new Array<Future<i32>>(0);
  for (let t = 0; t < threads; t++) futures.push(g.spawn<Job, i32>(mover, new Job(t, rounds, xorshift(seed + <u32>t), slots)));
  g.join();
  let bad = 0;
  for (let t = 0; t < threads; t++) bad += futures[t].get();
  for (let t = 0; t < threads; t++) {
    const shelf = shelves[t];
    for (let i = 0; i < slots; i++) if (!intact(shelf[i])) bad++;
  }
  while (passing.tryRecv()) if (!intact(passing.take())) bad++;
  shelves = new Array<Array<Rec | null>>(0);
  return bad;
}

// Structures the children of `results` take: reachable from a global only until a child takes one.
let pool: Array<Rec | null> = [];

function takeOne(i: i32): Rec | null {
  for (let k = 0; k < 3; k++) { // long enough for a collection to begin meanwhile
    yieldNow();
    garbage(<u32>(i + k), 200);
  }
  const r = pool[i];
  pool[i] = null;
  garbage(<u32>i, 50);
  return r; // from here the only reference is this thread's result: the runtime stores it into its future
}

/**
 * `n` children each take a structure out of a shared pool and return it (the runtime's store of a result into its
 * future, while collections mark); the parent checks every result after all have finished. Returns the damaged ones.
 */
export function results(n: i32, seed: u32): i32 {
  pool = new Array<Rec | null>(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    pool[i] = build(x, 3);
  }
  const g = new ThreadGroup();
  const futures = new Array<Future<Rec | null>>(0);
  for (let i = 0; i < n; i++) futures.push(g.spawn<i32, Rec | null>(takeOne, i));
  g.join();
  garbage(seed, 20_000); // collections go on after the children have gone
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const r = futures[i].get();
    if (r == null || !intact(r)) bad++;
  }
  return bad;
}
