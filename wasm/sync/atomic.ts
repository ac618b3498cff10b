// Atomic cells: lock-free counters and flags for guests, as module variables or fields.
//
// A module variable is plain memory shared by every thread (like a non-volatile field in Java): two threads that
// write it without a hand-over through the runtime (a lock, a channel, join) race, and increments get lost. An
// atomic cell is the lock-free alternative: every operation is one sequentially consistent atomic instruction, so
// `hits.add(1)` from any number of threads on any number of workers counts exactly, and a `store` is visible to
// every later `load` on any worker.

/** A 32-bit integer updated atomically. */
export class AtomicI32 {
  private cell: i32;
  constructor(value: i32 = 0) {
    this.cell = value;
  }
  private get at(): usize { return changetype<usize>(this) + offsetof<AtomicI32>("cell"); }
  load(): i32 { return atomic.load<i32>(this.at); }
  store(value: i32): void { atomic.store<i32>(this.at, value); }
  /** Adds `delta`; returns the value before. */
  add(delta: i32): i32 { return atomic.add<i32>(this.at, delta); }
  /** Subtracts `delta`; returns the value before. */
  sub(delta: i32): i32 { return atomic.sub<i32>(this.at, delta); }
  /** Sets the value; returns the one before. */
  exchange(value: i32): i32 { return atomic.xchg<i32>(this.at, value); }
  /** Sets `replacement` if the value is `expected`; returns whether it did. */
  compareAndSet(expected: i32, replacement: i32): bool { return atomic.cmpxchg<i32>(this.at, expected, replacement) == expected; }
}

/** A 64-bit integer updated atomically. */
export class AtomicI64 {
  private cell: i64;
  constructor(value: i64 = 0) {
    this.cell = value;
  }
  private get at(): usize { return changetype<usize>(this) + offsetof<AtomicI64>("cell"); }
  load(): i64 { return atomic.load<i64>(this.at); }
  store(value: i64): void { atomic.store<i64>(this.at, value); }
  add(delta: i64): i64 { return atomic.add<i64>(this.at, delta); }
  sub(delta: i64): i64 { return atomic.sub<i64>(this.at, delta); }
  exchange(value: i64): i64 { return atomic.xchg<i64>(this.at, value); }
  compareAndSet(expected: i64, replacement: i64): bool { return atomic.cmpxchg<i64>(this.at, expected, replacement) == expected; }
}

/** A flag updated atomically. */
export class AtomicBool {
  private cell: i32;
  constructor(value: bool = false) {
    this.cell = value ? 1 : 0;
  }
  private get at(): usize { return changetype<usize>(this) + offsetof<AtomicBool>("cell"); }
  load(): bool { return atomic.load<i32>(this.at) != 0; }
  store(value: bool): void { atomic.store<i32>(this.at, value ? 1 : 0); }
  exchange(value: bool): bool { return atomic.xchg<i32>(this.at, value ? 1 : 0) != 0; }
  compareAndSet(expected: bool, replacement: bool): bool {
    return atomic.cmpxchg<i32>(this.at, expected ? 1 : 0, replacement ? 1 : 0) == (expected ? 1 : 0);
  }
}
