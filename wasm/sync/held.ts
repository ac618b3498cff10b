// What a thread holds: the mutexes it has locked (a list through the mutexes themselves, so locking allocates
// nothing) and the semaphore permits it has taken. When a thread ends, whatever is still held goes back, so a
// failed or cancelled thread can never leave a lock locked or a permit taken. A mutex released this way after an
// abnormal end is poisoned (sync/mutex.ts).

import { T_HELD, threadId } from "../scheduler/thread";
import { releaseForDeadHolder } from "./mutex";
import { releaseAllPermits } from "./semaphore";

export function releaseHeld(t: usize, abnormal: bool): void {
  let m = load<usize>(t, T_HELD);
  if (m != 0) { // most threads end holding nothing: then the id (a load from the future) is not needed
    store<usize>(t, 0, T_HELD);
    const id = threadId(t);
    while (m != 0) m = releaseForDeadHolder(m, id, abnormal);
  }
  releaseAllPermits(t);
}
