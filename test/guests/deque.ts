// Guest of test/runtime/deque.test.ts: the work-stealing deque (runtime scheduler/deque.ts) raced directly, and
// driven by a script against a model.
//
// The race: one owner thread pushes the items 1..n onto a deque in random bursts, at the front (a run's pushes,
// which it then puts back in order as the end of a run does) or at the back, and pops some itself (also swaps, the
// scheduler's yield path; takes one from behind the front, as the fairness valve does; and, when the ring is full,
// claims the back half as the scheduler's overflow does), while
// thief threads steal the back half of it into their own deques, pop those empty, and also steal from each other.
// Every item must be taken exactly once: each taker bumps the item's cell in a counter array, and the test checks the
// array afterwards. The items are plain numbers, never dereferenced, just as the deque never dereferences a thread it
// has not claimed.
import { ThreadGroup, yieldNow } from "vthreads";
import { dequeInit, dequePushFront, dequePushBack, dequePop, dequeSwap, dequeReverseFront, dequeTakeAt, dequeSteal,
         dequeClaimBack, dequeClaimed, dequeLength, DEQUE_SIZE } from "vthreads/scheduler/deque";
import { heapAlloc, heapFree } from "vthreads/memory/heap";
import { xorshift } from "../../guest-lib/xorshift";

// Shared cells (module globals are per worker, so everything the threads share lives in memory).
const CELLS: usize = memory.data(64);
const DONE: usize = CELLS;             // the owner has pushed everything and emptied its deque
const TAKEN: usize = CELLS + 4;        // items taken, by anyone
const DUPLICATES: usize = CELLS + 8;   // takes of an item already taken
const STOLEN: usize = CELLS + 12;      // items taken by thieves
const BOUNDS: usize = CELLS + 16;      // items outside 1..n
const COUNTS: usize = CELLS + 20;      // address of the i32 counter per item
const DEQUES: usize = CELLS + 24;      // address of the deques: [0] the owner's, [1..k] the thieves'
const THIEVES: usize = CELLS + 28;     // k
const N: usize = CELLS + 32;
const OVERFLOWS: usize = CELLS + 36;   // times the owner found its ring full
const REVERSED: usize = CELLS + 40;    // entries the owner put back in order at the front

// @ts-ignore: decorator
@inline const STRIDE: usize = (DEQUE_SIZE + 63) & ~<usize>63;

function deque(i: i32): usize {
  return load<usize>(DEQUES) + <usize>i * STRIDE;
}

function take(x: usize): void {
  atomic.add<i32>(TAKEN, 1);
  if (x == 0 || x > <usize>load<i32>(N)) {
    atomic.add<i32>(BOUNDS, 1);
    return;
  }
  if (atomic.add<i32>(load<usize>(COUNTS) + ((x - 1) << 2), 1) != 0) atomic.add<i32>(DUPLICATES, 1);
}

function owner(seed: u32): i32 {
  const d = deque(0);
  const n = <usize>load<i32>(N);
  let x = seed | 1;
  let next: usize = 1;
  let rounds = 0;
  while (next <= n) {
    x = xorshift(x);
    const burst: u32 = 1 + (x & 15);
    const atFront = (x & 0x4000) != 0; // a run's pushes
    let pushedFront: u32 = 0;
    for (let i: u32 = 0; i < burst && next <= n; i++) {
      if ((x & 0x300) == 0x300) { // the yield path: push one at the back and take the front one
        const y = dequeSwap(d, next);
        if (y != 0) { // the front one, or `next` itself when the deque was empty
          take(y);
          next++;
          continue;
        }
      }
      if (atFront ? dequePushFront(d, next) : dequePushBack(d, next)) {
        next++;
        if (atFront) pushedFront++;
      } else { // full: claim the back half, as the scheduler's overflow does, or pop one
        atomic.add<i32>(OVERFLOWS, 1);
        if (x & 16) {
          const claimed = dequeClaimBack(d);
          for (let j: u32 = 0; j < claimed; j++) take(dequeClaimed(d, j));
        } else {
          const y = dequePop(d);
          if (y != 0) take(y);
        }
      }
    }
    if (pushedFront > 1) atomic.add<i32>(REVERSED, <i32>dequeReverseFront(d, pushedFront)); // the end of a run
    if ((x & 0x70000) == 0x70000) { // the fairness valve: the one behind the front entries
      const y = dequeTakeAt(d, (x >> 20) & 7);
      if (y != 0) take(y);
    }
    const pops = (x >> 8) % 3;
    for (let i: u32 = 0; i < pops; i++) {
      const y = dequePop(d);
      if (y != 0) take(y);
    }
    if ((++rounds & 255) == 0) yieldNow();
  }
  while (true) {
    const y = dequePop(d);
    if (y == 0) break;
    take(y);
  }
  atomic.store<i32>(DONE, 1);
  return 0;
}

function thief(i: i32): i32 {
  const mine = deque(i);
  const k = load<i32>(THIEVES);
  let x = <u32>i * 0x9e3779b9 + 1;
  let got = 0;
  let rounds = 0;
  while (true) {
    const done = atomic.load<i32>(DONE) != 0; // read before the steal: after DONE nothing is pushed any more
    x = xorshift(x);
    // Mostly the owner; sometimes another thief (whose deque its own thief is popping meanwhile).
    const from = (x & 3) != 0 || k < 2 ? 0 : 1 + <i32>((x >> 2) % <u32>k);
    let y: usize = 0;
    if (from != i) y = dequeSteal(deque(from), mine);
    if (y != 0) {
      take(y);
      got++;
      while (true) {
        const z = dequePop(mine);
        if (z == 0) break;
        take(z);
        got++;
      }
    } else if (done && from == 0) {
      break;
    }
    if ((++rounds & 127) == 0) yieldNow();
  }
  atomic.add<i32>(STOLEN, got);
  return got;
}

/**
 * One race: n items, k thieves. Returns [taken, duplicates, missing, out of bounds, stolen, owner overflows, reversed];
 * a correct deque gives [n, 0, 0, 0, >0 when the thieves ran, ...].
 */
export function race(n: i32, k: i32, seed: u32): Array<i32> {
  const counts = heapAlloc(<usize>n << 2);
  const deques = heapAlloc(STRIDE * <usize>(k + 1) + 64);
  assert(counts != 0 && deques != 0, "out of memory");
  memory.fill(counts, 0, <usize>n << 2);
  const aligned = (deques + 63) & ~<usize>63;
  atomic.store<usize>(COUNTS, counts);
  atomic.store<usize>(DEQUES, aligned);
  atomic.store<i32>(THIEVES, k);
  atomic.store<i32>(N, n);
  atomic.store<i32>(DONE, 0);
  atomic.store<i32>(TAKEN, 0);
  atomic.store<i32>(DUPLICATES, 0);
  atomic.store<i32>(STOLEN, 0);
  atomic.store<i32>(BOUNDS, 0);
  atomic.store<i32>(OVERFLOWS, 0);
  atomic.store<i32>(REVERSED, 0);
  for (let i = 0; i <= k; i++) dequeInit(deque(i));
  const g = new ThreadGroup();
  for (let i = 1; i <= k; i++) g.spawn<i32, i32>(thief, i);
  g.spawn<u32, i32>(owner, seed);
  g.join();
  let missing = 0;
  for (let i = 0; i < n; i++) if (load<i32>(counts + (<usize>i << 2)) == 0) missing++;
  const result = [atomic.load<i32>(TAKEN), atomic.load<i32>(DUPLICATES), missing, atomic.load<i32>(BOUNDS),
                  atomic.load<i32>(STOLEN), atomic.load<i32>(OVERFLOWS), atomic.load<i32>(REVERSED)];
  heapFree(counts);
  heapFree(deques);
  return result;
}

/**
 * The deque driven alone by a script, for a model to check its order: each op is [code, value]: 0 push x at the
 * front, 1 push x at the back, 2 pop, 3 swap x, 4 put the first x in order, 5 claim the back half, 6 take the entry
 * x places behind the front. Returns, per op, what it gave (pushes: 1 or 0; pop, swap and take: the item or 0;
 * reverse: how many; claim: how many, then the items), and the length after it.
 */
export function script(ops: Array<i32>): Array<i32> {
  const block = heapAlloc(DEQUE_SIZE + 64);
  assert(block != 0, "out of memory");
  const d = (block + 63) & ~<usize>63;
  dequeInit(d);
  const out = new Array<i32>(0);
  for (let i = 0; i + 1 < ops.length; i += 2) {
    const code = ops[i], x = <usize>ops[i + 1];
    if (code == 0) out.push(dequePushFront(d, x) ? 1 : 0);
    else if (code == 1) out.push(dequePushBack(d, x) ? 1 : 0);
    else if (code == 2) out.push(<i32>dequePop(d));
    else if (code == 3) out.push(<i32>dequeSwap(d, x));
    else if (code == 4) out.push(<i32>dequeReverseFront(d, <u32>x));
    else if (code == 6) out.push(<i32>dequeTakeAt(d, <u32>x));
    else {
      const k = dequeClaimBack(d);
      out.push(<i32>k);
      for (let j: u32 = 0; j < k; j++) out.push(<i32>dequeClaimed(d, j));
    }
    out.push(<i32>dequeLength(d));
  }
  heapFree(block);
  return out;
}
