// Once: runs a function exactly once, however many threads ask at the same time; the others wait until it has
// run. If the thread running it fails or is cancelled, the next caller runs it again: "done" means it completed.
// Built on a Mutex, so a waiting caller is an ordinary mutex waiter (cancellable, FIFO) and the runner's end
// releases the lock like any held mutex.

import { Mutex } from "./mutex";

export class Once {
  private ran: i32 = 0;
  private readonly gate: Mutex<bool>;

  constructor(name: string = "") {
    this.gate = new Mutex<bool>(false, name.length == 0 ? "once" : name);
  }

  get done(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<Once>("ran")) != 0;
  }

  call(fn: () => void): void {
    if (this.done) return;
    const guard = this.gate.lockEvenIfPoisoned(); // poisoned = an earlier runner did not finish: try again
    if (!guard.value) {
      fn();
      guard.value = true;
      guard.clearPoison();
      atomic.store<i32>(changetype<usize>(this) + offsetof<Once>("ran"), 1);
    }
    guard.unlock();
  }
}
