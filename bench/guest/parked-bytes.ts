// Parked-bytes guest. Three exports, used by three root calls from the host:
//   parkAll(n)     spawns a gate thread and n waiters; each waiter blocks in gate.get() at call
//                  depth 1; returns the sum of what the waiters got (n) once the gate opened.
//   parkedCount()  how many waiters have reached gate.get() (the host polls this).
//   release()      opens the gate.
// The host reads rt.memoryStats() after parkedCount() returned n and before release().
//
// The gate is a thread that sleeps in 1 ms steps until released, then returns 1. State that several
// root calls (and workers) share lives in linear memory, not in module-level globals (per worker).
import { ThreadGroup, Future, sleep } from "vthreads";

const CELLS: usize = memory.data(16);
const PARKED: usize = CELLS; //      i32  waiters that reached gate.get()
const RELEASED: usize = CELLS + 4; // i32  1 once release() ran
const SUM: usize = CELLS + 8; //     i64  sum of the values the waiters got

function gateBody(value: i64): i64 {
  while (atomic.load<i32>(RELEASED) == 0) sleep(1);
  return value;
}

function waiter(gatePtr: i64): i64 {
  const gate = changetype<Future<i64>>(<usize>gatePtr);
  atomic.add<i32>(PARKED, 1);
  const v = gate.get(); // parked here, call depth 1
  atomic.add<i64>(SUM, v);
  return v;
}

export function parkAll(n: i32): i64 {
  if (n < 0) abort("parkAll: bad argument");
  atomic.store<i32>(PARKED, 0);
  atomic.store<i32>(RELEASED, 0);
  atomic.store<i64>(SUM, 0);
  const g = new ThreadGroup();
  const gate: Future<i64> = g.spawn<i64, i64>(gateBody, 1);
  const gatePtr = <i64>changetype<usize>(gate);
  for (let i = 0; i < n; i++) g.spawn<i64, i64>(waiter, gatePtr);
  g.join();
  const sum = atomic.load<i64>(SUM);
  // leave the cells at 0 so that a parkedCount() poll of the next run cannot see this run's count
  atomic.store<i32>(PARKED, 0);
  atomic.store<i32>(RELEASED, 0);
  return sum;
}

export function parkedCount(): i32 {
  return atomic.load<i32>(PARKED);
}

export function release(): void {
  atomic.store<i32>(RELEASED, 1);
}
