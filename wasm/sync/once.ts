// Once: runs a function exactly once, however many threads ask at the same time; the others wait until it has
// run. If the thread running it fails or is cancelled, the next caller runs it again: "done" means it completed.
// Built on a Mutex, so a waiting caller is an ordinary mutex waiter (cancellable, FIFO) and the runner's end
// releases the lock like any held mutex.

import { Mutex } from "./mutex";
import { Closure, closureEnv } from "../closure";

export class Once {
  private ran: i32 = 0;
  private readonly gate: Mutex<bool>;

  constructor(name: string = "") {
    this.gate = new Mutex<bool>(false, name.length == 0 ? "once" : name);
  }

  get done(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<Once>("ran")) != 0;
  }

  /** Runs `fn` (a function of no arguments, or a capturing closure) unless it has run. */
  call<F>(fn: F): void {
    if (!isFunction<F>()) ERROR("Once.call: expects a function");
    if (this.done) return;
    const guard = this.gate.lockEvenIfPoisoned(); // poisoned = an earlier runner did not finish: try again
    if (!guard.value) {
      // @ts-ignore: F is a function type
      if (lengthof<F>() == 0) fn();
      // @ts-ignore: a closure (wasm/closure.ts) takes itself
      else fn(changetype<Closure>(closureEnv(fn)));
      guard.value = true;
      guard.clearPoison();
      atomic.store<i32>(changetype<usize>(this) + offsetof<Once>("ran"), 1);
    }
    guard.unlock();
  }
}
