// Event + WaitGroup rounds: `threads` threads run `rounds` rounds. In round r each waits for Event r, then marks
// WaitGroup r done; the root sets Event r (waking every thread) and waits for WaitGroup r (woken by the last done()).
// A barrier built from the two primitives: per round, `threads` wake-ups by one set() and `threads` done() calls.
// Checks: each thread sums the rounds it saw (0 + 1 + ... + rounds - 1); a thread that passed an event before it was
// set counts in EARLY, and the run fails.
import { ThreadGroup, Future, Event, WaitGroup } from "vthreads";

const CELLS: usize = memory.data(16, 8);
const EVENTS: usize = CELLS;     // StaticArray<Event>
const GROUPS: usize = CELLS + 4; // StaticArray<WaitGroup>
const EARLY: usize = CELLS + 8;  // waits that returned before their event was set

function member(rounds: i32): i64 {
  const events = changetype<StaticArray<Event>>(load<usize>(EVENTS));
  const groups = changetype<StaticArray<WaitGroup>>(load<usize>(GROUPS));
  let acc: i64 = 0;
  for (let r = 0; r < rounds; r++) {
    const e = unchecked(events[r]);
    e.wait();
    if (!e.isSet) atomic.add<i32>(EARLY, 1);
    acc += <i64>r;
    unchecked(groups[r]).done();
  }
  return acc;
}

/** Returns the sum over the threads of what each saw (threads * rounds(rounds-1)/2), or -(early waits). */
export function barrierRounds(threads: i32, rounds: i32): i64 {
  if (threads < 1 || rounds < 1) abort("barrierRounds: bad arguments");
  const events = new StaticArray<Event>(rounds);
  const groups = new StaticArray<WaitGroup>(rounds);
  for (let r = 0; r < rounds; r++) {
    unchecked(events[r] = new Event());
    const wg = new WaitGroup();
    wg.add(threads);
    unchecked(groups[r] = wg);
  }
  store<usize>(EVENTS, changetype<usize>(events));
  store<usize>(GROUPS, changetype<usize>(groups));
  atomic.store<i32>(EARLY, 0);
  const g = new ThreadGroup();
  const futures = new StaticArray<Future<i64>>(threads);
  for (let i = 0; i < threads; i++) unchecked(futures[i] = g.spawn<i32, i64>(member, rounds));
  for (let r = 0; r < rounds; r++) {
    unchecked(events[r]).set();
    unchecked(groups[r]).wait();
  }
  g.join();
  const early = atomic.load<i32>(EARLY);
  if (early != 0) return -<i64>early;
  let sum: i64 = 0;
  for (let i = 0; i < threads; i++) sum += unchecked(futures[i]).get();
  return sum;
}
