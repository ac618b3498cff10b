// The default group: background work spawned without a group of its own (`spawnBackground`) belongs to it, and the
// host joins it when the runtime closes, so background threads are never silently dropped. And `withTimeout`, the
// shortest way to run one piece of work under a deadline.

import { DEFAULT_GROUP } from "../memory/layout";
import { ThreadGroup } from "./group";
import { Future } from "./future";
import { Closure } from "../closure";

/** Creates the default group; once, at boot, by the first worker. Returns it (the caller pins it). */
export function createDefaultGroup(): usize {
  const g = new ThreadGroup(0, "background");
  atomic.store<usize>(DEFAULT_GROUP, changetype<usize>(g));
  return changetype<usize>(g);
}

/** The group that collects background work; `runtime.close()` waits for it. */
export function defaultGroup(): ThreadGroup {
  return changetype<ThreadGroup>(atomic.load<usize>(DEFAULT_GROUP));
}

/** Spawns `fn(arg)` into the default group: it may outlive the caller, and the runtime waits for it at close. */
export function spawnBackground<A = Closure, R = void>(fn: (arg: A) => R, arg: A = changetype<A>(0)): Future<R> {
  return defaultGroup().spawn<A, R>(fn, arg);
}

/**
 * Runs `fn(arg)` in a thread of its own, cancelled if it takes longer than `ms`; waits for it either way. The
 * future tells how it ended: `cancelled` when the deadline passed first, otherwise `get()` has the result. Fails
 * the caller if `fn` failed.
 */
export function withTimeout<A = Closure, R = void>(ms: f64, fn: (arg: A) => R, arg: A = changetype<A>(0)): Future<R> {
  const group = new ThreadGroup(0, "timeout");
  group.cancelAfter(ms);
  const future = group.spawn<A, R>(fn, arg);
  group.join();
  return future;
}
