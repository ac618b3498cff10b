// One worker or several. With one worker nothing else writes the shared memory while Wasm runs (the host's main
// thread only reads counters and waits on a few words), so the runtime's own synchronisation may use plain loads and
// stores. It matters: Wasm's atomics are all sequentially consistent, and on x86-64 every atomic store or
// read-modify-write is a locked instruction (5-9 ns), most of the cost of an uncontended lock or a channel hand-off.
// The flag is per instance (a Wasm global), set once at boot; the branch on it is always predicted.

let shared: bool = true; // per worker

/** Set at boot: the runtime has `workers` workers for its whole life. */
export function setWorkerCount(workers: u32): void {
  shared = workers > 1;
}

/** Other workers may touch the shared memory (more than one worker). */
// @ts-ignore: decorator
@inline export function otherWorkers(): bool {
  return shared;
}

/** Compare-and-swap; returns the old value. */
// @ts-ignore: decorator
@inline export function cas<T>(addr: usize, expected: T, replacement: T): T {
  if (shared) return atomic.cmpxchg<T>(addr, expected, replacement);
  const old = load<T>(addr);
  if (old == expected) store<T>(addr, replacement);
  return old;
}

/** A store other workers must see in order. */
// @ts-ignore: decorator
@inline export function publish<T>(addr: usize, value: T): void {
  if (shared) atomic.store<T>(addr, value);
  else store<T>(addr, value);
}
