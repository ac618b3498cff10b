// The one place a virtual thread leaves its stack: Asyncify's unwind and rewind primitives (or, in a JSPI build,
// a JSPI suspension: driver/jspi.ts, reached through scheduler/hooks.ts).
//
// Binaryen's Asyncify pass turns these `asyncify.*` imports into direct calls to the functions it generates, so a
// switch never goes through JS. `suspend` calls start_unwind/stop_rewind, so Asyncify leaves it uninstrumented and
// instruments every caller. It must never be inlined into a caller (that caller would then be taken for runtime
// code and silently not instrumented); the toolchain marks it no-inline by name, `__vt_suspend`.

import { scratch, rewinding, jspi, pinned, setRewinding, setUnwinding, setSuspendReason } from "./local";
import { suspendPinned, jspiSwitch } from "./hooks";

// @ts-ignore: decorator
@external("asyncify", "start_unwind")
declare function asyncify_start_unwind(data: usize): void;
// @ts-ignore: decorator
@external("asyncify", "stop_unwind")
export declare function asyncify_stop_unwind(): void;
// @ts-ignore: decorator
@external("asyncify", "start_rewind")
export declare function asyncify_start_rewind(data: usize): void;
// @ts-ignore: decorator
@external("asyncify", "stop_rewind")
export declare function asyncify_stop_rewind(): void;


/**
 * Suspends the running virtual thread. Returns when the scheduler resumes it (possibly on another worker).
 * Called the first time, it starts an unwind into this worker's scratch buffer; called again during the rewind,
 * it ends the rewind and returns normally.
 */
export function __vt_suspend(reason: i32): void {
  if (rewinding) {
    setRewinding(false);
    asyncify_stop_rewind();
    return;
  }
  // A JS frame on the stack (a host function's callback): Asyncify cannot unwind it, and a JSPI suspension would
  // fail with a SuspendError. The thread is pinned instead (driver/pin.ts).
  if (pinned()) {
    suspendPinned(reason);
    return;
  }
  if (jspi) { // the JSPI backend: the engine keeps the stack (driver/jspi.ts)
    jspiSwitch(reason);
    return;
  }
  setSuspendReason(reason);
  setUnwinding(true);
  store<usize>(scratch, scratch + 8); // Asyncify data: {current, end} (end is set once, at boot), then the frames
  asyncify_start_unwind(scratch);
}
