// Cleanups: what a thread registers to run when it ends, however it ends (returns, fails, or is cancelled). This
// is how guest code releases what the runtime does not know about: a cancelled or failed thread is unwound and its
// stack discarded, so nothing after the blocking call runs; its cleanups do.
//
// They run newest first, in the thread itself (on a fresh stack, since the old one is gone), before the runtime
// releases the mutexes and permits the thread still holds: a cleanup may still unlock cleanly. They are shielded
// from cancellation: their blocking calls work normally. A cleanup that fails adds a failure; the others still run.

import { C_CLEANUPS, coldFieldIfAny, T_FLAGS, T_KIND, T_FN, T_STATE, F_CLEANING, ST_RUNNABLE, coldField, coldFieldAt, shield } from "./thread";
import { current } from "./local";
import { ROOT_KIND } from "./enter";
import { freeStack } from "./stacks";
import { failCurrent, requireThread } from "./fail";
import { toBits } from "./bits";
import * as runqueue from "./runqueue";
import { Closure, closureArg } from "../closure";
import { writeBarrier } from "../memory/gc";

export class Cleanup {
  fn: usize = 0;
  bits: u64 = 0;
  /** The argument when it is a reference (typed, so a collector traces it). */
  ref: Object | null = null;
  next: Cleanup | null = null;
  thread: usize = 0;
  private done: bool = false;

  /** Runs the cleanup now (once) and unregisters it: for the path where the thread did not end early. */
  run(): void {
    if (this.done) return;
    this.checkOwner("run");
    unregister(this);
    call(this);
  }

  /** Unregisters the cleanup without running it. */
  dismiss(): void {
    if (this.done) return;
    this.checkOwner("dismiss");
    unregister(this);
  }

  private checkOwner(what: string): void {
    if (current != this.thread) failCurrent("Cleanup." + what + ": a cleanup belongs to the thread that registered it");
  }
}

/**
 * Registers `fn(arg)` to run when the calling thread ends, unless `run()` or `dismiss()` comes first. `A` is a
 * reference or a 32-bit integer.
 */
export function onExit<A = Closure>(fn: (arg: A) => void, arg: A = changetype<A>(0)): Cleanup {
  if (isFloat<A>() || sizeof<A>() != 4) ERROR("onExit: the argument must be a reference or a 32-bit integer");
  // A capturing closure given alone is its own argument (wasm/closure.ts); as `ref` it stays reachable.
  arg = closureArg(fn, arg);
  requireThread("onExit");
  const t = current;
  const c = new Cleanup();
  c.fn = changetype<usize>(fn);
  c.bits = toBits<A>(arg);
  if (isReference<A>()) c.ref = changetype<Object | null>(arg);
  const at = coldFieldAt(t, C_CLEANUPS);
  if (at == 0) failCurrent("out of memory: cannot register a cleanup");
  c.thread = t;
  c.next = changetype<Cleanup | null>(load<usize>(at));
  store<usize>(at, changetype<usize>(c));
  return c;
}

function unregister(c: Cleanup): void {
  // @ts-ignore: private access
  c.done = true;
  let at = coldFieldIfAny(c.thread, C_CLEANUPS); // registering it gave its thread a cold part
  while (true) {
    const x = load<usize>(at);
    if (x == 0) return;
    if (x == changetype<usize>(c)) {
      writeBarrier(changetype<usize>(c.next)); // `at` may be in a guest object (memory/gc.ts)
      store<usize>(at, changetype<usize>(c.next));
      return;
    }
    at = x + offsetof<Cleanup>("next");
  }
}

function call(c: Cleanup): void {
  const fn = changetype<(arg: u32) => void>(c.fn);
  fn(<u32>c.bits);
}

/** The thread's entry while it runs its cleanups. */
function runCleanups(unused: usize): void {
  const at = coldFieldIfAny(current, C_CLEANUPS); // it has cleanups, so it has a cold part
  while (true) {
    const c = changetype<Cleanup | null>(load<usize>(at));
    if (c == null) return;
    store<usize>(at, changetype<usize>(c.next));
    // @ts-ignore: private access
    c.done = true;
    call(c);
  }
}

/**
 * Called as `t` ends (its stack no longer in use). When it has cleanups, it is turned into a thread that runs them
 * and queued; returns true, and the scheduler ends it again when they are done. Otherwise returns false.
 */
export function startCleanups(t: usize): bool {
  if (coldField(t, C_CLEANUPS) == 0) return false;
  freeStack(t); // the new entry starts on a fresh stack
  store<u32>(t, load<u32>(t, T_FLAGS) | F_CLEANING, T_FLAGS);
  store<u8>(t, <u8>ROOT_KIND, T_KIND);
  store<usize>(t, changetype<usize>(runCleanups), T_FN);
  shield(t); // shielded; its outcome is already in its flags
  store<i32>(t, ST_RUNNABLE, T_STATE);
  runqueue.requeue(t);
  return true;
}
