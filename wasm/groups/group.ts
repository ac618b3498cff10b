// ThreadGroup: structured concurrency. A group owns the threads spawned into it; `join` waits for all of them.
// If a child fails, the group remembers the first failure, refuses further spawns, and `join` fails the joining
// thread with that failure.
//
// Any worker may spawn into a group or finish a child of it. The count of live children is atomic, so the common
// path (spawn, a child ends) takes no lock; the spin lock in the object guards the rarer changes that touch several
// fields at once: recording a failure, adding a joiner, and taking the joiners when the last child ends. Fields for
// cancellation and concurrency limits will live here too, without changing the thread record.

import { T_NEXT } from "../scheduler/thread";
import { prepareToPark, park, unpark } from "../scheduler/park";
import { failCurrent, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";
import { syncMemoryView } from "../memory/view";
import { Future, FutureBase, Failure } from "./future";
import { spawnThread } from "./spawn";

export class ThreadGroup {
  private lock: i32 = 0;
  /** Children spawned and not yet finished. */
  private live: i32 = 0;
  /** Threads blocked in `join`, linked through their `next` field. */
  private joiners: usize = 0;
  private failures: i32 = 0;
  private firstError: string | null = null;
  private firstFailedThread: u32 = 0;

  /** Spawns `fn(arg)` as a virtual thread owned by this group. Fails the caller if the group has failed. */
  spawn<A, R>(fn: (arg: A) => R, arg: A): Future<R> {
    const self = changetype<usize>(this);
    const future = new Future<R>();
    const refused = atomic.load<i32>(self + offsetof<ThreadGroup>("failures")) > 0;
    if (!refused) {
      atomic.add<i32>(self + offsetof<ThreadGroup>("live"), 1);
    }
    if (refused) {
      failCurrent("spawn refused: the group has failed (thread " + this.firstFailedThread.toString() + ": " +
        (this.firstError as string) + ")");
    }
    if (spawnThread<A, R>(fn, arg, self, changetype<usize>(future)) == 0) {
      childExited(self, 0, false); // undo the count taken above
      failCurrent("out of memory: cannot allocate a thread record");
    }
    return future;
  }

  /** Blocks until every child has finished; fails the caller with the first failure if a child failed. */
  join(): void {
    requireThread("ThreadGroup.join");
    const self = changetype<usize>(this);
    const lockAt = self + offsetof<ThreadGroup>("lock");
    while (true) {
      lock(lockAt);
      // A child ending after this check sees our entry on the list: it takes the lock to collect the joiners.
      if (atomic.load<i32>(self + offsetof<ThreadGroup>("live")) == 0) {
        unlock(lockAt);
        break;
      }
      const t = prepareToPark();
      store<usize>(t, this.joiners, T_NEXT);
      this.joiners = t;
      unlock(lockAt);
      park();
    }
    syncMemoryView(); // what the children left may live in memory their workers have just grown
    if (atomic.load<i32>(self + offsetof<ThreadGroup>("failures")) > 0) {
      failCurrent("thread " + this.firstFailedThread.toString() + " failed: " + (this.firstError as string));
    }
  }

  /** Children still running. */
  get running(): i32 {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<ThreadGroup>("live"));
  }

  /** True once a child has failed. */
  get failed(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<ThreadGroup>("failures")) > 0;
  }
}

/** Called by the scheduler when a child of `groupPtr` finishes. */
export function childExited(groupPtr: usize, futurePtr: usize, failed: bool): void {
  const group = changetype<ThreadGroup>(groupPtr);
  const lockAt = groupPtr + offsetof<ThreadGroup>("lock");
  if (failed) {
    const f = changetype<FutureBase>(futurePtr);
    lock(lockAt);
    // @ts-ignore: private access from the runtime
    if (group.firstFailedThread == 0) {
      const failure = f.failure as Failure;
      // @ts-ignore
      group.firstError = failure.message;
      // @ts-ignore
      group.firstFailedThread = failure.thread;
    }
    atomic.add<i32>(groupPtr + offsetof<ThreadGroup>("failures"), 1);
    unlock(lockAt);
  }
  if (atomic.sub<i32>(groupPtr + offsetof<ThreadGroup>("live"), 1) != 1) return;
  // The last child: wake whoever joins.
  lock(lockAt);
  // @ts-ignore
  let joiners = group.joiners;
  // @ts-ignore
  group.joiners = 0;
  unlock(lockAt);
  while (joiners != 0) {
    const next = load<usize>(joiners, T_NEXT);
    unpark(joiners);
    joiners = next;
  }
}
