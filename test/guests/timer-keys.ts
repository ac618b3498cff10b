// Guest of test/runtime/timer-keys.test.ts: the timer heap's deadline keys (runtime scheduler/timers.ts), computed
// directly so that the test can check their properties on generated deadlines.
import { keyOf, deadlineOf } from "vthreads/scheduler/timers";

/** keyOf(deadline) as [its low word, its high word] and the deadline it stands for. */
export function timerKey(deadline: f64): Array<f64> {
  const key = keyOf(deadline);
  return [<f64>(<u32>key), <f64>(<u32>(key >> 32)), deadlineOf(key)];
}
