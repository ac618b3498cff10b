// What every worker runs, in Node (worker_threads) or a browser (Web Worker): the Runtime's messages in, its answers
// out. The jobs are in their own files, in the order a worker meets them: boot.ts (instantiate and boot),
// run-loop.ts (run slices of threads, sleep when idle), root-calls.ts (the calls it starts), failures.ts (traps).

import type { ToWorker, FromWorker, InitMessage } from "./protocol.js";
import { DUMP_TEXT } from "../abi/layout.js";
import type { FileFunctions } from "./builtins.js";
import type { Grants } from "./grants.js";
import { instantiate, runTopLevel, type WorkerInstance } from "./boot.js";
import { RunLoop } from "./run-loop.js";
import { RootCalls } from "./root-calls.js";
import { describe } from "./failures.js";

export interface WorkerHost {
  post(message: FromWorker): void;
  /** Runs `fn` soon, after pending messages (setImmediate in Node, a MessageChannel post in browsers). */
  soon(fn: () => void): void;
  /** File access for the built-in host functions, within the runtime's grants (Node); browsers have none. */
  files?: (grants: Grants) => FileFunctions;
  /**
   * Takes a message already sent to this worker without going through the event loop, if the platform can
   * (Node: receiveMessageOnPort). A pinned worker uses it to serve cancellations and dumps during the pin.
   */
  poll?(): ToWorker | undefined;
}

export class WorkerCore {
  private index = -1;
  private closing = false;
  private w: WorkerInstance | null = null;
  private loop: RunLoop | null = null;
  private roots: RootCalls | null = null;
  /** Messages a pinned worker took and could not serve during the pin. */
  private deferred: ToWorker[] = [];

  constructor(private readonly host: WorkerHost) {}

  onMessage(message: ToWorker): void {
    switch (message.type) {
      case "init":
        void this.init(message);
        break;
      case "call":
        this.roots!.start(message);
        break;
      case "cancel":
        this.roots!.cancel(message.id);
        this.loop!.kick();
        break;
      case "dump":
        this.host.post({ type: "dump", id: message.id, json: this.dump() });
        break;
      case "cancel-background":
        this.w!.exports.__vt_cancel_background();
        this.loop!.kick();
        break;
      case "close":
        this.closing = true;
        this.loop?.stop();
        this.host.post({ type: "closed", index: this.index });
        break;
    }
  }

  private async init(message: InitMessage): Promise<void> {
    this.index = message.index;
    try {
      const w = await instantiate(message, this.host.files, {
        rootDone: (frame, msg, thread) => this.roots!.done(frame, msg, thread),
        failRunning: (e) => this.loop!.failRunning(e),
        pinnedPoll: () => this.pinnedPoll(),
      });
      this.w = w;
      this.loop = new RunLoop(w, this.host);
      this.roots = new RootCalls(w, (m) => this.host.post(m));
      if (this.closing) this.loop.stop();
      if (!runTopLevel(w)) return;
    } catch (e) {
      this.host.post({ type: "fatal", index: this.index, message: `worker ${this.index} failed to start: ${describe(e)}` });
      return;
    }
    this.host.post({ type: "ready", index: this.index });
    this.loop.pump();
  }

  /**
   * Inside a pinned wait (wasm/driver/pin.ts) the event loop cannot run: serve cancellations and dumps now, and
   * leave the rest (new calls, close) for after the pin, in order. This worker is a mutator all along; the
   * exports below leave the mutator bracket on their way out, so re-enter it (no collection runs during a pin).
   */
  private pinnedPoll(): void {
    if (!this.host.poll) return;
    const raw = this.w!.raw;
    let m: ToWorker | undefined;
    while ((m = this.host.poll()) !== undefined) {
      const message = m;
      if (message.type === "cancel" && this.roots!.has(message.id) && this.deferred.length === 0) {
        this.roots!.cancel(message.id);
        raw.__vt_mutator_enter(); // the Wasm-level bracket: the pin is inside __vt_run, outside the JS count
      } else if (message.type === "dump") {
        const json = this.dump();
        raw.__vt_mutator_enter();
        this.host.post({ type: "dump", id: message.id, json });
      } else {
        if (this.deferred.length === 0) this.host.soon(this.runDeferred);
        this.deferred.push(message);
      }
    }
  }

  private readonly runDeferred = (): void => {
    const messages = this.deferred;
    this.deferred = [];
    for (const m of messages) this.onMessage(m);
  };

  /** The dump as JSON text (null when out of memory). */
  private dump(): string | null {
    const { exports, memory } = this.w!;
    const block = exports.__vt_dump();
    if (block === 0) return null;
    const length = new Uint32Array(memory.buffer, block, 1)[0];
    // Copy out of shared memory: TextDecoder refuses views of a SharedArrayBuffer.
    const json = new TextDecoder().decode(new Uint8Array(memory.buffer, block + DUMP_TEXT, length).slice());
    // `__vt_dump` has left the mutator: freeing touches the allocator, which a collection running on another worker
    // rebuilds (it empties every cache and relists free blocks), so free inside the bracket.
    exports.__vt_mutator_enter();
    exports.__vt_free(block);
    exports.__vt_mutator_leave();
    return json;
  }
}
