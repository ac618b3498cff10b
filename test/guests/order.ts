// Guest of test/runtime/order.test.ts: the order in which runnable threads run (wasm/scheduler/runqueue.ts). The
// threads a run makes runnable run next, in the order it made them runnable (a tree of threads runs depth-first);
// threads queued before wait, but never for ever.
import { ThreadGroup, Channel, yieldNow } from "vthreads";
import { raiseMax } from "../../guest-lib/gauge";

// Shared cells: module globals are per worker, and these counters are updated from every worker.
const CELLS: usize = memory.data(32);
const ALIVE: usize = CELLS;     // threads spawned and not yet finished
const PEAK: usize = CELLS + 4;  // the most ALIVE has been
const NODES: usize = CELLS + 8; // nodes that ran
const LOG: usize = CELLS + 12;  // entries in `startLog`
const DONE: usize = CELLS + 16; // the measured work is over (the yielder stops)

const startLog = new StaticArray<i32>(4096);

/** arg = label << 16 | levels << 8 | fan. Logs its label when it starts, spawns `fan` children (labels
 * label * fan + 1 ...), joins them. */
function node(arg: i64): i64 {
  const label = <i32>(arg >> 16), levels = <i32>(arg >> 8) & 0xff, fan = <i32>arg & 0xff;
  const at = atomic.add<i32>(LOG, 1);
  if (at < startLog.length) startLog[at] = label;
  atomic.add<i32>(NODES, 1);
  if (levels > 0) {
    const g = new ThreadGroup();
    for (let i = 0; i < fan; i++) {
      raiseMax(PEAK, atomic.add<i32>(ALIVE, 1) + 1);
      const child = <i64>(label * fan + i + 1);
      g.spawn<i64, i64>(node, (child << 16) | (<i64>(levels - 1) << 8) | <i64>fan);
    }
    g.join();
  }
  atomic.sub<i32>(ALIVE, 1);
  return 0;
}

function reset(): void {
  atomic.store<i32>(ALIVE, 1); // the root
  atomic.store<i32>(PEAK, 1);
  atomic.store<i32>(NODES, 0);
  atomic.store<i32>(LOG, 0);
  atomic.store<i32>(DONE, 0);
}

/** A tree of `levels` levels below the root, `fan` children each. Returns [nodes run, most threads alive at once]. */
export function treePeak(levels: i32, fan: i32): Array<i32> {
  reset();
  node(<i64>((levels << 8) | fan));
  return [atomic.load<i32>(NODES), atomic.load<i32>(PEAK)];
}

/** The same tree; returns the labels in the order the nodes started (at most 4096). */
export function treeStartOrder(levels: i32, fan: i32): Array<i32> {
  reset();
  node(<i64>((levels << 8) | fan));
  const n = min(atomic.load<i32>(LOG), startLog.length);
  const out = new Array<i32>(n);
  for (let i = 0; i < n; i++) out[i] = startLog[i];
  return out;
}

function yielder(_: i32): i32 {
  let turns = 0;
  while (atomic.load<i32>(DONE) == 0) {
    turns++;
    yieldNow();
  }
  return turns;
}

function ponger(ch: Channel<i32>): i32 {
  let n = 0;
  while (true) {
    const v = ch.recv();
    if (v < 0) return n;
    n++;
  }
}

/**
 * A thread that keeps yielding, started first, beside `rounds` hand-offs over a rendezvous channel (each one makes
 * the partner runnable and blocks) and then a tree of `levels` x `fan`. Returns the yielder's turns while that work
 * ran: threads made runnable by runs jump the queue, the yielder must still get its turns.
 */
export function yielderBeside(rounds: i32, levels: i32, fan: i32): i32 {
  reset();
  const g = new ThreadGroup();
  const turns = g.spawn<i32, i32>(yielder, 0);
  yieldNow(); // the yielder is under way, queued behind what comes next
  const ch = new Channel<i32>(0);
  const inner = new ThreadGroup();
  const got = inner.spawn<Channel<i32>, i32>(ponger, ch);
  for (let i = 0; i < rounds; i++) ch.send(i);
  ch.send(-1);
  inner.join();
  assert(got.get() == rounds, "the ponger lost hand-offs");
  node(<i64>((levels << 8) | fan));
  atomic.store<i32>(DONE, 1);
  g.join();
  return turns.get();
}
