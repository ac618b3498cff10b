// Context variables: values a thread sees and passes on to the threads it spawns. A child sees its parent's values
// as of the spawn; setting a variable in the child changes nothing for the parent (or for siblings).
//
// A variable is its object, as in Python: two ContextVars with the same name are two variables. A module-level
// ContextVar is one object for the whole program (module variables are shared by every worker), so a thread sees
// the same variable on whichever worker it runs. The name is a label for people reading the code.
//
// A thread's context is an immutable list of (variable, value) entries, newest first; its record points at the
// head. `set` puts a new entry in front, and `spawn` copies the head pointer: inheritance costs nothing, and the
// parent's later `set`s never reach a child that already started.

import { current } from "../scheduler/local";
import { C_CTX, coldField, coldFieldAt } from "../scheduler/thread";
import { requireThread, failCurrent } from "../scheduler/fail";
import { toBits, fromBits } from "../scheduler/bits";

class ContextEntry {
  constructor(
    /** The ContextVar this entry sets (a reference: the variable lives at least as long as a value set for it). */
    public key: Object,
    public bits: u64,
    /** The value when it is a reference (typed, so a collector traces it). */
    public ref: Object | null,
    public next: ContextEntry | null,
  ) {}
}

export class ContextVar<T> {
  /** `name` is for people (the variable is this object); `initial` is its value where nobody has set it. */
  constructor(readonly name: string, private readonly initial: T) {}

  /** The calling thread's value: what it (or an ancestor before spawning it) set last, else the initial value. */
  get(): T {
    const t = current;
    if (t != 0) {
      let e = changetype<ContextEntry | null>(coldField(t, C_CTX));
      const key = changetype<usize>(this);
      while (e != null) {
        if (changetype<usize>(e.key) == key) {
          if (isReference<T>()) return changetype<T>(e.ref);
          else return fromBits<T>(e.bits);
        }
        e = e.next;
      }
    }
    return this.initial;
  }

  /** Sets the value for the calling thread and the threads it spawns from now on. */
  set(value: T): void {
    const t = current;
    if (t == 0) requireThread("ContextVar.set");
    const at = coldFieldAt(t, C_CTX);
    if (at == 0) failCurrent("out of memory: cannot set a context variable");
    const head = changetype<ContextEntry | null>(load<usize>(at));
    const e = isReference<T>()
      ? new ContextEntry(this, 0, changetype<Object | null>(value), head)
      : new ContextEntry(this, toBits<T>(value), null, head);
    store<usize>(at, changetype<usize>(e));
  }
}
