// Root calls in the worker that started them: lower the arguments into a frame and spawn the root thread (any worker
// may end up running it), cancel it, and, when it ends on this worker, lift the result and answer the Runtime.
// The frame's layout: FRAME_* in the layout (docs/abi.md).

import type { CallMessage, FromWorker } from "./protocol.js";
import { FRAME_CALL_ID, FRAME_STATUS, FRAME_EXPORT_INDEX, FRAME_SLOTS, SLOT_SIZE, STATUS_CANCELLED } from "../abi/layout.js";
import { readString } from "../bindings/strings.js";
import { lowerArgs, liftResult } from "../bindings/marshal.js";
import type { WorkerInstance } from "./boot.js";
import { describe } from "./failures.js";

export class RootCalls {
  /** Root thread of each call this worker started (for cancellation), by call id. */
  private readonly threads = new Map<number, number>();

  constructor(
    private readonly w: WorkerInstance,
    private readonly post: (message: FromWorker) => void,
  ) {}

  /** Whether call `id` was started here and its root thread has not ended. */
  has(id: number): boolean {
    return this.threads.has(id);
  }

  /**
   * Lowers the arguments into a frame and spawns the root thread. The frame is a raw block, so the collector keeps
   * the arguments (and later the result) alive until `done` frees it; the mutator bracket keeps a collection from
   * running while the new objects are only in JS variables.
   */
  start(message: CallMessage): void {
    this.w.exports.__vt_mutator_enter();
    try {
      this.lowerAndSpawn(message);
    } finally {
      this.w.exports.__vt_mutator_leave();
    }
  }

  /** Cancels the root thread of call `id`, if it is still running (the caller wakes the workers). */
  cancel(id: number): void {
    const thread = this.threads.get(id);
    if (thread !== undefined) this.w.exports.__vt_cancel_root(thread);
  }

  private lowerAndSpawn(message: CallMessage): void {
    const { exports, memory } = this.w;
    const sig = this.w.manifest.exports[message.exportIndex];
    const frameSize = FRAME_SLOTS + SLOT_SIZE * (sig.params.length + 1);
    const frame = exports.__vt_alloc(frameSize);
    if (frame === 0) return this.reject(message.id, "out of memory: cannot allocate the call's frame");
    new Uint8Array(memory.buffer, frame, frameSize).fill(0);
    const u32 = new Uint32Array(memory.buffer);
    u32[(frame + FRAME_CALL_ID) >> 2] = message.id;
    u32[(frame + FRAME_EXPORT_INDEX) >> 2] = message.exportIndex;
    try {
      lowerArgs(this.w.marshal, sig, message.args, frame);
    } catch (e) {
      exports.__vt_free(frame);
      return this.reject(message.id, `cannot pass the arguments of "${sig.name}": ${describe(e)}`);
    }
    const spawn = exports[`__vt_call_${sig.name}`] as (frame: number) => number;
    const thread = spawn(frame);
    if (thread === 0) {
      exports.__vt_free(frame);
      return this.reject(message.id, "out of memory: cannot allocate the root thread");
    }
    this.threads.set(message.id, thread);
  }

  private reject(id: number, reason: string): void {
    this.post({ type: "result", id, ok: false, thread: 0, reason });
  }

  /** The `vthreads.root_done` import: a root thread ended on this worker (its status is in the frame). */
  readonly done = (frame: number, message: number, thread: number): void => {
    const { memory, exports } = this.w;
    const u32 = new Uint32Array(memory.buffer);
    const id = u32[(frame + FRAME_CALL_ID) >> 2];
    this.threads.delete(id);
    // The frame is freed before the result goes out: memory stats read when the call has settled do not count it.
    let result: FromWorker;
    if (Atomics.load(u32, (frame + FRAME_STATUS) >> 2) === STATUS_CANCELLED) {
      result = { type: "result", id, ok: false, thread, cancelled: true, reason: "cancelled" };
    } else if (message !== 0) {
      result = { type: "result", id, ok: false, thread, reason: readString(memory, message) };
    } else {
      const sig = this.w.manifest.exports[u32[(frame + FRAME_EXPORT_INDEX) >> 2]];
      try {
        result = { type: "result", id, ok: true, value: liftResult(this.w.marshal, sig, frame), thread };
      } catch (e) {
        result = { type: "result", id, ok: false, thread, reason: `cannot read the result: ${describe(e)}` };
      }
    }
    exports.__vt_free(frame);
    this.post(result);
  };
}
