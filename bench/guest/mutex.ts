// Mutex benchmarks.
//
// mutexUncontended(n): one thread locks and unlocks a Mutex<i64> n times, incrementing the guarded counter each time
// (what a user writes: lock, read and write through the guard, unlock). plainLoop(n) is the same loop on an unguarded
// counter, the loop's own cost, reported beside it.
//
// mutexContended(threads, k): `threads` threads each increment one Mutex<i64>-guarded counter k times, and yield
// between reading and writing it, WHILE holding the lock: a non-atomic read-modify-write across a switch. On one
// worker every other thread therefore finds the lock taken and queues; the counter only ends at threads * k if the
// lock really excluded (a lost update would show). Each unlock hands the lock to the oldest waiter.
import { ThreadGroup, Mutex, yieldNow } from "vthreads";

// Shared cells in linear memory (a module-level `let` would be per worker); the same address in every instance.
const CELLS: usize = memory.data(16, 8);
const MUTEX: usize = CELLS;      // the contended Mutex<i64>
const WAITED: usize = CELLS + 4; // lock() calls that found the lock taken

class Box {
  n: i64 = 0;
}

export function mutexUncontended(n: i32): i64 {
  const m = new Mutex<i64>(0);
  for (let i = 0; i < n; i++) {
    const g = m.lock();
    g.value = g.value + 1;
    g.unlock();
  }
  const g = m.lock();
  const total = g.value;
  g.unlock();
  return total;
}

export function plainLoop(n: i32): i64 {
  const b = new Box();
  for (let i = 0; i < n; i++) b.n = b.n + 1;
  return b.n;
}

function incrementer(k: i32): i32 {
  const m = changetype<Mutex<i64>>(atomic.load<usize>(MUTEX));
  let waited = 0;
  for (let i = 0; i < k; i++) {
    if (m.holder != 0) waited++; // will queue (exact on one worker; a sample on two)
    const g = m.lock();
    const v = g.value;
    yieldNow(); // hold the lock across a switch: the others queue up behind it
    g.value = v + 1;
    g.unlock();
  }
  atomic.add<i32>(WAITED, waited);
  return waited;
}

/** Returns the final counter (must be threads * k). */
export function mutexContended(threads: i32, k: i32): i64 {
  if (threads < 1 || k < 1) abort("mutexContended: bad arguments");
  const m = new Mutex<i64>(0, "counter");
  atomic.store<usize>(MUTEX, changetype<usize>(m));
  atomic.store<i32>(WAITED, 0);
  const g = new ThreadGroup();
  for (let i = 0; i < threads; i++) g.spawn<i32, i32>(incrementer, k);
  g.join();
  const guard = m.lock();
  const total = guard.value;
  guard.unlock();
  return total;
}

/** lock() calls of the last mutexContended run that found the lock taken. */
export function contendedWaits(): i32 {
  return atomic.load<i32>(WAITED);
}
