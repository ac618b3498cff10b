// What a thread holds: the mutexes it has locked (a list through the mutexes themselves, headed in the thread's cold
// part, so only a thread's first lock allocates) and the semaphore permits it has taken. When a thread ends, whatever is still held goes back, so a
// failed or cancelled thread can never leave a lock locked or a permit taken. A mutex released this way after an
// abnormal end is poisoned (sync/mutex.ts).

import { T_ID, C_HELD, coldFieldIfAny } from "../scheduler/thread";
import { releaseForDeadHolder } from "./mutex";
import { releaseAllPermits } from "./semaphore";

export function releaseHeld(t: usize, abnormal: bool): void {
  const id = load<u32>(t, T_ID);
  const held = coldFieldIfAny(t, C_HELD);
  if (held != 0) {
    let m = load<usize>(held);
    store<usize>(held, 0);
    while (m != 0) m = releaseForDeadHolder(m, id, abnormal);
  }
  releaseAllPermits(t);
}
