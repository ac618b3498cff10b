// Run queues. Each worker has a work-stealing deque in shared memory (scheduler/deque.ts; its address is registered
// in the header so other workers find it), and all workers share one global FIFO behind a spin lock.
//
// A thread made runnable goes to the deque of the worker that made it runnable; when that deque is full, its back
// half (the oldest) moves to the global queue. A worker takes from its own deque first, looks at the global queue
// every GLOBAL_EVERY pops (so nothing there starves) and when its deque is empty (with other workers about, and
// Asyncify, it takes a batch from there into its deque: a spawner's overflow then costs the global lock once per
// batch), and then steals the back half of another worker's deque, trying every worker once from a random start.
// Only when all of that finds nothing does it go idle.
//
// Order: the threads a run makes runnable (spawned, or woken) run next, before what was queued already, in the order
// that run made them runnable: they are pushed at the front of the deque (no thief contends there), newest first,
// and put in order when the run ends (the thread blocks, ends or yields: `endRun`). A thread that spawns children
// and joins them thus has them run at once, and a tree of threads runs depth-first, as nested calls would (Cilk's
// order), instead of every queued node starting before any child: skynet kept its whole tree of a million threads
// (and their futures) alive that way. Thieves take from the back, the oldest work: the biggest subtrees. A yielding
// thread, and threads made runnable between runs (due timers, host completions), go to the back.
//
// Fairness: once FAIR_POPS threads have run from the front while others waited behind it, the next pop takes the one
// that has waited longest (the first behind the front entries), and the count starts again (Go bounds its `runnext`
// the same way, by the time slice the woken goroutine inherits). Runs keep pushing at the front meanwhile: a valve
// that sent them to the back instead made a tree run breadth-first until the front had drained, and a tree of
// 111,111 threads had up to 1,000 alive at once on 4 workers instead of ~100.
//
// JSPI backend: a thread that has a stack can only run on the worker that holds the stack (its home, the last worker
// that ran it). Such threads never enter a deque, where a thief could take them. The home worker queues them in its
// own FIFO, which only it touches (no lock: most switches are a thread yielding or waking another on its worker);
// other workers queue them in its inbox, a locked FIFO. A worker takes from its deque first, then its own FIFO, then
// its inbox, and looks at its inbox first every few pops. Threads without a stack yet (spawned, or about to run their
// cleanups) queue as usual and may run anywhere. Threads with a stack that a run makes runnable on their home worker
// (a parent woken by its last child's end) go to the front of the home queue, and the worker takes those first: they
// jump the queue as a run's deque entries do, under the same valve.
//
// Waking: a worker about to sleep announces itself in SLEEPERS and then re-checks every queue (host/workers/run-loop.ts);
// a push loads SLEEPERS after publishing the thread, and if it is non-zero bumps WAKE_EPOCH and notifies one waiter.
// With sequentially consistent atomics either the pusher sees the sleeper or the sleeper sees the thread. A worker
// that re-queues the thread it just ran, with nothing else in its deque, skips the wake-up: it runs that thread next
// itself, and a woken worker would find nothing (or steal the thread and make it migrate).

import { RUNQ_LOCK, RUNQ_HEAD, RUNQ_TAIL, RUNQ_LEN, WAKE_EPOCH, SLEEPERS, DEQUES, DEQUE_LIMIT, WS_STEALS, WS_WAKEUPS }
  from "../memory/layout";
import { stats, jspi, workerIndex } from "./local";
import { heapAlloc, setNoScan } from "../memory/heap";
import { lock, unlock } from "../memory/spinlock";
import { syncMemoryView } from "../memory/view";
import { T_NEXT, T_STACK, T_FLAGS, F_WORKER_SHIFT } from "./thread";
import { dequeInit, dequePushFront, dequePushBack, dequePop, dequePeekAt, dequeSwap, dequeReverseFront, dequeTakeAt,
         dequeLength, dequeHead, dequeClaimBack, dequeClaimed, dequeSteal, DEQUE_SIZE, DEQUE_CAP } from "./deque";

// @ts-ignore: decorator
@inline const GLOBAL_EVERY: u32 = 61;
/** Threads a worker takes from the global queue at once, beyond the one it runs (`popGlobal`). */
// @ts-ignore: decorator
@inline const GLOBAL_BATCH: u32 = 128;
/** Threads run from the front of the deque, while others wait behind it, before runs stop jumping the queue. */
// @ts-ignore: decorator
@inline const FAIR_POPS: u32 = 1024;

// A locked FIFO of threads linked through T_NEXT: {lock, head, tail, length} at `q` (fifoPush/fifoPop). The global
// queue (RUNQ_LOCK..RUNQ_LEN in the header) and each worker's inbox (JSPI) are one.
// @ts-ignore: decorator
@inline const Q_HEAD: usize = 4;
// @ts-ignore: decorator
@inline const Q_TAIL: usize = 8;
// @ts-ignore: decorator
@inline const Q_LEN: usize = 12;
// @ts-ignore: decorator
@inline const Q_SIZE: usize = 16;
// @ts-ignore
if (RUNQ_HEAD != RUNQ_LOCK + Q_HEAD || RUNQ_TAIL != RUNQ_LOCK + Q_TAIL || RUNQ_LEN != RUNQ_LOCK + Q_LEN) {
  ERROR("vthreads: the global run queue's header words must have the FIFO's layout");
}

/** This worker's deque (Wasm globals are per worker). */
let mine: usize = 0;
let sharing: bool = false; // more than one worker (per worker, set at boot)
let untilGlobal: u32 = GLOBAL_EVERY; // pops left before the next look at the global queue (no division on this path)
let random: u32 = 0; // xorshift state for picking the first victim
let runHead: i64 = -1; // the deque's head index when the running thread started; -1 between runs
let front: u32 = 0; // entries at the head of the deque that jumped the queue (a run's, or stolen)
let frontPops: u32 = 0; // threads run from the front since one that waited behind it ran
let homeFront: u32 = 0; // JSPI: threads at the head of the home queue that runs made runnable (run before the deque)
let homeRunLast: usize = 0; // JSPI: the last of those the current run queued (the next goes after it: run order)

/**
 * At boot: allocates this worker's deque and registers it for thieves. `workers` is the runtime's fixed worker count:
 * with one worker nothing can steal, and the deque skips its atomics. False when out of memory.
 */
export function attachWorker(index: u32, workers: u32): bool {
  const block = heapAlloc(DEQUE_SIZE + 64 + 2 * Q_SIZE);
  if (block == 0) return false;
  // Only thread records go in here, and they are roots by themselves. A slot keeps a thread's address long after it
  // left: scanned, it would keep alive whatever guest object later took that memory.
  setNoScan(block);
  const d = (block + 63) & ~<usize>63;
  dequeInit(d);
  memory.fill(d + INBOX, 0, 2 * Q_SIZE);
  sharing = workers > 1;
  mine = d;
  random = index * 0x9e3779b9 + 1;
  atomic.store<usize>(DEQUES + (<usize>index << alignof<usize>()), d);
  while (true) {
    const limit = atomic.load<u32>(DEQUE_LIMIT);
    if (limit > index || atomic.cmpxchg<u32>(DEQUE_LIMIT, limit, index + 1) == limit) break;
  }
  return true;
}

/** The runtime has more than one worker (fixed at boot). */
// @ts-ignore: decorator
@inline export function manyWorkers(): bool {
  return sharing;
}

/** Queues a runnable thread on this worker and wakes a sleeping worker to share the work, if there is one. */
export function push(t: usize): void {
  if (jspi && load<usize>(t, T_STACK) != 0) {
    pushHome(t);
    return;
  }
  pushLocal(t);
  wakeIdleWorker();
}

/**
 * Queues the thread this worker has just run (it yielded, or was woken while parking). Wakes a sleeper only if
 * something else is queued too: otherwise this worker runs the thread next itself.
 */
export function requeue(t: usize): void {
  if (jspi && load<usize>(t, T_STACK) != 0) {
    pushHome(t);
    return;
  }
  pushLocal(t);
  if (dequeLength(mine) > 1) wakeIdleWorker();
}

/**
 * The thread this worker has just run yielded: queue it and return the thread to run next, which is `pop()`'s
 * choice. Costs one CAS when other threads are queued here (`dequeSwap`), none when none are.
 */
// @ts-ignore: decorator
@inline export function yielded(t: usize): usize {
  endRun();
  if (--untilGlobal != 0 && frontPops < FAIR_POPS) { // with the valve open: else pop() picks
    const x = dequeSwap(mine, t);
    if (x != 0) {
      if (x != t) {
        tookFirst();
        wakeIdleWorker(); // t waits in our deque behind others
        return x;
      }
      // Our deque is empty: t runs again, unless the global queue has work.
      if (atomic.load<i32>(RUNQ_LEN) == 0) return t;
    }
  } else if (untilGlobal == 0) {
    untilGlobal = GLOBAL_EVERY;
  }
  requeue(t);
  const g = popGlobal();
  if (g != 0) return g;
  const y = popOwn();
  if (y != 0) return y;
  return popElsewhere();
}

/**
 * The thread this worker is likely to run after the current run, 0 when none is queued here: the first the run has
 * made runnable (it goes to the front), else the first queued. A hint only (see dequePeekAt): a thief may take it,
 * the valve may run a waiting thread first, or the global queue's turn may come first.
 */
export function likelyNext(): usize {
  if (jspi && homeFront > 0) return load<usize>(mine + HOME_QUEUE + Q_HEAD);
  const h = dequeHead(mine);
  if (runHead >= 0 && h != <u32>runHead) return dequePeekAt(mine, <u32>runHead - 1); // its first is the deepest
  return dequePeekAt(mine, h);
}

/** A thread starts running on this worker: what it makes runnable from now on is its run's (see the top). */
// @ts-ignore: decorator
@inline export function beginRun(): void {
  runHead = <i64>dequeHead(mine);
  homeRunLast = 0;
}

/**
 * The running thread's run is over (it blocked or ended; `yielded` calls this itself): the threads it made runnable
 * are at the front of this worker's deque, newest first; they are put in the order the run made them runnable.
 */
// @ts-ignore: decorator
@inline export function endRun(): void {
  const start = runHead;
  runHead = -1;
  if (start >= 0) {
    const k = <u32>start - dequeHead(mine);
    if (k != 0 && k <= DEQUE_CAP) frontRun(k);
  }
}

/** The run that just ended pushed `k` threads at the front: puts them in order and counts them as jumping the queue. */
function frontRun(k: u32): void {
  const n = dequeLength(mine);
  const m = k > 1 ? dequeReverseFront(mine, k) : k < n ? k : n; // thieves may have taken some, from the back
  const older = n - m;
  if (older == 0) { // nothing queued before (or it was taken): all of it is this run's
    front = n;
    frontPops = 0;
    return;
  }
  if (front > older) front = older; // thieves or the overflow took some
  front += m;
}

/**
 * Takes the first thread of this worker's deque; once FAIR_POPS threads have run from the front while others waited
 * behind it, the one that has waited longest instead (the valve: see the top).
 */
// @ts-ignore: decorator
@inline function popOwn(): usize {
  if (frontPops >= FAIR_POPS) {
    const w = popLongestWaiting();
    if (w != 0) return w;
  }
  const t = dequePop(mine);
  if (t != 0) tookFirst();
  return t;
}

/**
 * The first thread behind the front entries (the oldest of those queued at the back), or on JSPI the first of the
 * home queue's waiting ones; 0 when nobody waits (thieves took them).
 */
function popLongestWaiting(): usize {
  frontPops = 0;
  if (dequeLength(mine) > front) return dequeTakeAt(mine, front);
  if (jspi && homeWaiting()) return homePop();
  return 0;
}

/** The first entry of the deque was taken: count it against the valve if it was a front entry and others wait. */
// @ts-ignore: decorator
@inline function tookFirst(): void {
  if (front == 0) {
    frontPops = 0;
    return;
  }
  front--;
  frontPops = dequeLength(mine) > front || (jspi && homeWaiting()) ? frontPops + 1 : 0;
}

/** JSPI: threads in the home queue behind its front part. */
function homeWaiting(): bool {
  return <u32>load<i32>(mine + HOME_QUEUE + Q_LEN) > homeFront;
}

/** A run's threads go to the front (see the top), the rest to the back. */
// @ts-ignore: decorator
@inline function pushLocal(t: usize): void {
  if (runHead >= 0) {
    if (!dequePushFront(mine, t)) overflow(t);
  } else if (!dequePushBack(mine, t)) {
    overflow(t);
  }
}

/** The deque is full: move its back half (the oldest), and `t`, to the global queue (like Go's runqputslow). */
function overflow(t: usize): void {
  const n = dequeClaimBack(mine);
  const left = dequeLength(mine);
  if (front > left) front = left;
  // Link the claimed threads (they are ours now) and t in queue order.
  store<usize>(t, 0, T_NEXT);
  if (n == 0) { // thieves emptied the deque meanwhile: there is room again
    if (!dequePushBack(mine, t)) pushGlobal(t, t, 1);
    return;
  }
  const first = dequeClaimed(mine, 0);
  let last = first;
  for (let i: u32 = 1; i < n; i++) {
    const next = dequeClaimed(mine, i);
    store<usize>(last, next, T_NEXT);
    last = next;
  }
  store<usize>(last, t, T_NEXT);
  pushGlobal(first, t, <i32>n + 1);
}

/**
 * The next thread for this worker. Every GLOBAL_EVERY pops it looks at the global queue first (no thread starves
 * there behind a busy deque). On the JSPI backend a thread whose stack lives on this worker (the inbox, the home
 * queue) can run only here, so those queues are looked at too: the inbox every INBOX_EVERY pops, both before
 * stealing.
 */
// @ts-ignore: decorator
@inline export function pop(): usize {
  if (jspi && homeFront > 0) { // threads with a stack that a run made runnable: they jump the queue too
    homeFront--;
    frontPops = dequeLength(mine) > front || homeWaiting() ? frontPops + 1 : 0;
    return homePop();
  }
  if (jspi && --untilInbox == 0) {
    untilInbox = INBOX_EVERY;
    const t = popInbox();
    if (t != 0) return t;
  }
  if (--untilGlobal == 0) {
    untilGlobal = GLOBAL_EVERY;
    const t = popGlobal();
    if (t != 0) return t;
  }
  const t = popOwn();
  if (t != 0) return t;
  if (jspi) {
    const h = homePop();
    if (h != 0) {
      frontPops = 0; // one that waited behind the front has run (homeFront is 0 here)
      return h;
    }
    const x = popInbox();
    if (x != 0) return x;
  }
  return popElsewhere();
}

/** This worker's deque is empty: the global queue, then the other workers' deques. */
function popElsewhere(): usize {
  const t = popGlobal();
  if (t != 0) return t;
  return steal();
}

function steal(): usize {
  const limit = atomic.load<u32>(DEQUE_LIMIT);
  if (limit < 2) return 0;
  let x = random;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  random = x;
  const start = x % limit;
  for (let i: u32 = 0; i < limit; i++) {
    let v = start + i;
    if (v >= limit) v -= limit;
    const victim = atomic.load<usize>(DEQUES + (<usize>v << alignof<usize>()));
    if (victim == 0 || victim == mine) continue;
    syncMemoryView(); // the victim's deque may be in memory another worker has just grown
    const t = dequeSteal(victim, mine);
    if (t != 0) {
      store<u64>(stats, load<u64>(stats, WS_STEALS) + 1, WS_STEALS);
      front = dequeLength(mine); // fresh work, like a run's: nothing of ours waits behind it
      frontPops = 0;
      // We took more than we run now: let another idle worker steal from us in turn.
      if (dequeLength(mine) > 0) wakeIdleWorker();
      return t;
    }
  }
  return 0;
}

/**
 * Threads in the global queue and in every worker's deque (each read once, seq-cst), and in inboxes: every inbox
 * when `allInboxes`, else only this worker's (the others' threads cannot run here).
 */
export function runnableCount(allInboxes: bool = true): u32 {
  syncMemoryView();
  let n = <u32>atomic.load<i32>(RUNQ_LEN);
  const limit = atomic.load<u32>(DEQUE_LIMIT);
  for (let i: u32 = 0; i < limit; i++) {
    const d = atomic.load<usize>(DEQUES + (<usize>i << alignof<usize>()));
    if (d == 0) continue;
    n += dequeLength(d);
    if (allInboxes || i == workerIndex) {
      n += <u32>atomic.load<i32>(d + INBOX + Q_LEN) + <u32>atomic.load<i32>(d + HOME_QUEUE + Q_LEN);
    }
  }
  return n;
}

// JSPI backend: after each worker's deque, its inbox (a locked FIFO: fifoPush/fifoPop below) and its home queue.
// @ts-ignore: decorator
@inline const INBOX: usize = DEQUE_SIZE;
// @ts-ignore: decorator
@inline const HOME_QUEUE: usize = DEQUE_SIZE + Q_SIZE;

/**
 * Pops left before this worker looks at its inbox first. Otherwise the inbox waits until the deque is empty: a thread
 * that yields goes behind the threads that are waiting to start, as it does on Asyncify, and still never starves.
 */
// @ts-ignore: decorator
@inline const INBOX_EVERY: u32 = 8;
let untilInbox: u32 = INBOX_EVERY; // per worker

/** Queues `t`, which has a JSPI stack, in its home worker's inbox, and wakes that worker if it sleeps. */
function pushHome(t: usize): void {
  const home = (load<u32>(t, T_FLAGS) >> F_WORKER_SHIFT) & 0xff;
  if (home != workerIndex) fifoPush(atomic.load<usize>(DEQUES + (<usize>home << alignof<usize>())) + INBOX, t, t, 1);
  else if (runHead >= 0 && frontPops < FAIR_POPS) homePushFront(t); // made runnable by the running thread
  else homePush(t);
  // Only the home worker can run it: wake every sleeper (there is one wake word). The home may be this very worker,
  // asleep in its event loop while a host call's promise settles there.
  if (atomic.load<i32>(SLEEPERS) > 0) {
    atomic.add<i32>(WAKE_EPOCH, 1);
    if (atomic.notify(WAKE_EPOCH) > 0) store<u64>(stats, load<u64>(stats, WS_WAKEUPS) + 1, WS_WAKEUPS);
  }
}

function popInbox(): usize {
  return fifoPop(mine + INBOX);
}

/**
 * This worker's home queue: a FIFO of threads linked through T_NEXT, {unused, head, tail, length} like the locked
 * one, but only this worker ever touches it. The length is a plain store: other workers only read it to count.
 */
function homePush(t: usize): void {
  const q = mine + HOME_QUEUE;
  listAppend(q, t, t);
  store<i32>(q, load<i32>(q, Q_LEN) + 1, Q_LEN);
}

/** Queues `t` after the threads the current run has made runnable so far, ahead of the rest (see the top). */
function homePushFront(t: usize): void {
  const q = mine + HOME_QUEUE;
  if (homeRunLast == 0 || homeFront == 0) { // first of this run (or its earlier ones have run already): at the head
    homeLinkHead(q, t);
  } else {
    const next = load<usize>(homeRunLast, T_NEXT);
    store<usize>(t, next, T_NEXT);
    store<usize>(homeRunLast, t, T_NEXT);
    if (next == 0) store<usize>(q, t, Q_TAIL);
  }
  homeRunLast = t;
  homeFront++;
  store<i32>(q, load<i32>(q, Q_LEN) + 1, Q_LEN);
}

/** JSPI: `t`, whose stack lives here, is the next thread this worker runs (it stopped for a collection). */
export function homePushFirst(t: usize): void {
  const q = mine + HOME_QUEUE;
  homeLinkHead(q, t);
  homeFront++;
  store<i32>(q, load<i32>(q, Q_LEN) + 1, Q_LEN);
}

// @ts-ignore: decorator
@inline function homeLinkHead(q: usize, t: usize): void {
  const head = load<usize>(q, Q_HEAD);
  store<usize>(t, head, T_NEXT);
  store<usize>(q, t, Q_HEAD);
  if (head == 0) store<usize>(q, t, Q_TAIL);
}

function homePop(): usize {
  const q = mine + HOME_QUEUE;
  const t = listTake(q);
  if (t != 0) store<i32>(q, load<i32>(q, Q_LEN) - 1, Q_LEN);
  return t;
}

/** Appends the linked threads first..last (`count` of them) to the global queue and wakes a sleeping worker. */
function pushGlobal(first: usize, last: usize, count: i32): void {
  fifoPush(RUNQ_LOCK, first, last, count);
  wakeIdleWorker();
}

/**
 * Takes the global queue's first thread to run now, and up to GLOBAL_BATCH more into this worker's deque (Go's
 * globrunqget): a worker fed from the global queue (a spawner's overflow) takes its lock once per batch, not once per
 * thread, and never reads a thread's links while holding it (the spawner that overflows waits for that lock). The
 * whole list is taken at once; what does not fit goes back to its head.
 */
function popGlobal(): usize {
  // One worker: no lock to spare, and the walk would only add misses. JSPI: every thread started holds an engine stack
  // until it ends, and this worker would start the whole batch before it resumes the threads it holds (its deque comes
  // before its home queue): Chromium's renderer ran out of stack memory on fanout-cpu (10,000 yielding threads).
  if (!sharing || jspi) return fifoPop(RUNQ_LOCK);
  if (atomic.load<i32>(RUNQ_LEN) == 0) return 0; // cheap check without the lock
  lock(RUNQ_LOCK);
  const first = load<usize>(RUNQ_HEAD);
  const last = load<usize>(RUNQ_TAIL);
  const n = atomic.load<i32>(RUNQ_LEN);
  store<usize>(RUNQ_HEAD, 0);
  store<usize>(RUNQ_TAIL, 0);
  atomic.store<i32>(RUNQ_LEN, 0);
  unlock(RUNQ_LOCK);
  if (first == 0) return 0;
  syncMemoryView(); // the threads may have been allocated by a worker that grew the memory
  let room = DEQUE_CAP - dequeLength(mine);
  if (room > GLOBAL_BATCH) room = GLOBAL_BATCH;
  let t = load<usize>(first, T_NEXT);
  let taken: u32 = 0;
  while (t != 0 && taken < room) {
    const next = load<usize>(t, T_NEXT);
    if (!dequePushBack(mine, t)) break;
    t = next;
    taken++;
  }
  if (t != 0) { // the rest goes back in front of what was queued meanwhile
    lock(RUNQ_LOCK);
    const head = load<usize>(RUNQ_HEAD);
    store<usize>(last, head, T_NEXT);
    if (head == 0) store<usize>(RUNQ_TAIL, last);
    store<usize>(RUNQ_HEAD, t);
    atomic.add<i32>(RUNQ_LEN, n - 1 - <i32>taken);
    unlock(RUNQ_LOCK);
  }
  if (taken != 0) wakeIdleWorker(); // others may steal from the batch
  return first;
}

function fifoPush(q: usize, first: usize, last: usize, count: i32): void {
  lock(q);
  listAppend(q, first, last);
  atomic.add<i32>(q + Q_LEN, count);
  unlock(q);
}

function fifoPop(q: usize): usize {
  if (atomic.load<i32>(q + Q_LEN) == 0) return 0; // cheap check without the lock
  lock(q);
  syncMemoryView(); // the head may have been allocated by a worker that grew the memory
  const t = listTake(q);
  if (t != 0) atomic.sub<i32>(q + Q_LEN, 1);
  unlock(q);
  return t;
}

/** Links the threads first..last (already linked in order) at the tail of the {_, head, tail} list at `q`. */
// @ts-ignore: decorator
@inline function listAppend(q: usize, first: usize, last: usize): void {
  store<usize>(last, 0, T_NEXT);
  const tail = load<usize>(q, Q_TAIL);
  if (tail == 0) store<usize>(q, first, Q_HEAD);
  else store<usize>(tail, first, T_NEXT);
  store<usize>(q, last, Q_TAIL);
}

/** Unlinks and returns the head of the {_, head, tail} list at `q`, 0 when it is empty. */
// @ts-ignore: decorator
@inline function listTake(q: usize): usize {
  const t = load<usize>(q, Q_HEAD);
  if (t != 0) {
    const next = load<usize>(t, T_NEXT);
    store<usize>(q, next, Q_HEAD);
    if (next == 0) store<usize>(q, 0, Q_TAIL);
  }
  return t;
}

/**
 * Wakes one sleeping worker, if any. Called after the work is published (a seq-cst store or RMW); idle workers
 * announce themselves in SLEEPERS, then re-check every queue, then wait on WAKE_EPOCH (host/workers/run-loop.ts).
 */
// @ts-ignore: decorator
@inline function wakeIdleWorker(): void {
  if (atomic.load<i32>(SLEEPERS) > 0) wakeOne();
}

function wakeOne(): void {
  atomic.add<i32>(WAKE_EPOCH, 1);
  if (atomic.notify(WAKE_EPOCH, 1) > 0) store<u64>(stats, load<u64>(stats, WS_WAKEUPS) + 1, WS_WAKEUPS);
}

/** Whether another thread is waiting to run here (in this worker's queue or the global one). */
export function othersWaiting(): bool {
  return dequeLength(mine) > 0 || atomic.load<i32>(RUNQ_LEN) > 0 || atomic.load<i32>(mine + INBOX + Q_LEN) > 0 ||
    load<i32>(mine + HOME_QUEUE + Q_LEN) > 0;
}
