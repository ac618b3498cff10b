// A worker's run loop, the same for both backends: run a slice of virtual threads (`__vt_run` in Wasm on Asyncify,
// the JSPI loop's slice on JSPI), go through the event loop between slices, and when nothing is runnable here sleep on
// the shared wake word (without blocking the event loop: messages and timers still arrive) until work arrives or the
// next timer is due. An idle worker also checks for a deadlock before it sleeps.

import type { FromWorker } from "./protocol.js";
import { RUN_BUSY, DEADLOCK_CONFIRM_MS, IDLE_NO, IDLE_WAITING } from "../abi/layout.js";
import type { WorkerInstance } from "./boot.js";
import { describe, failRunningThread } from "./failures.js";

/** What the loop needs of the platform. */
export interface LoopHost {
  post(message: FromWorker): void;
  /** Runs `fn` soon, after pending messages. */
  soon(fn: () => void): void;
}

export class RunLoop {
  private stopped = false;
  private pumping = false;
  /** Switch count when this worker last suspected a deadlock; the next idle check confirms it. */
  private deadlockSuspect: number | null = null;
  /** When slices started from microtasks began; 0 when the last one came from the event loop. */
  private microtaskRunsSince = 0;

  constructor(
    private readonly w: WorkerInstance,
    private readonly host: LoopHost,
  ) {}

  /** The runtime is closing: run no more slices. */
  stop(): void {
    this.stopped = true;
  }

  /** Something may have become runnable from outside a thread (a cancellation): let the workers look. */
  kick(): void {
    this.w.shared.wakeWorkers();
  }

  /** Runs virtual threads until none is runnable, then sleeps until work or the next timer is due. */
  readonly pump = (): void => {
    if (this.stopped || this.pumping) return;
    this.pumping = true;
    const { jspi, hostCalls, raw, sliceMs } = this.w;
    hostCalls.checkCancels();
    if (jspi) {
      jspi.runSlice(sliceMs, (e) => this.failRunning(e)).then(
        (status) => this.afterSlice(status),
        (e) => this.fatal(`the JSPI scheduler loop failed: ${describe(e)}`),
      );
      return;
    }
    let status: number;
    try {
      status = raw.__vt_run(sliceMs);
    } catch (e) {
      this.pumping = false;
      this.failRunning(e);
      raw.__vt_mutator_leave(); // __vt_run did not get to it
      if (!this.stopped) this.host.soon(this.pump);
      return;
    }
    this.afterSlice(status);
  };

  /** A trap or abort escaped the module: fail the thread that was running, keep the worker (unless none was). */
  failRunning(error: unknown): void {
    const fatal = failRunningThread(this.w.exports, this.w.memory, error);
    if (fatal !== null) this.fatal(fatal);
  }

  /** The runtime itself failed in this worker: stop, and tell the Runtime (which breaks). */
  fatal(message: string): void {
    this.stopped = true;
    this.host.post({ type: "fatal", index: this.w.index, message });
  }

  private afterSlice(status: number): void {
    this.pumping = false;
    this.w.hostCalls.checkCancels(); // threads this slice cancelled may have been waiting on our calls
    if (status === RUN_BUSY) {
      this.microtaskRunsSince = 0;
      this.host.soon(this.pump);
    } else if (this.w.hostCalls.pending > 0 && this.microtaskBudgetLeft()) {
      // A host call's promise may settle in the microtasks queued meanwhile (an already-resolved one does): look
      // again right after them, instead of paying for a sleep and a wake-up.
      queueMicrotask(this.afterMicrotasks);
    } else {
      this.microtaskRunsSince = 0;
      this.sleep();
    }
  }

  private readonly afterMicrotasks = (): void => {
    if (this.w.exports.__vt_runnable() > 0) this.pump();
    else {
      this.microtaskRunsSince = 0;
      this.sleep();
    }
  };

  /**
   * Slices run from microtasks keep the event loop from taking messages and I/O; after a slice's worth of time in a
   * row, go through the event loop again.
   */
  private microtaskBudgetLeft(): boolean {
    const now = performance.now();
    if (this.microtaskRunsSince === 0) this.microtaskRunsSince = now;
    return now - this.microtaskRunsSince < this.w.sliceMs;
  }

  /**
   * Idle: announce ourselves in SLEEPERS, re-check every queue we could take from (the global queue and every
   * worker's deque) and our cancelled host calls, then wait on WAKE_EPOCH. A push published after our check sees
   * SLEEPERS > 0 and bumps the epoch, so the wait returns at once (no lost wake-up); see wasm runqueue.ts.
   */
  private sleep(): void {
    const { shared, exports, index } = this.w;
    shared.addSleeper(1);
    const epoch = shared.wakeEpoch();
    // A collection requested while this worker was busy elsewhere (Runtime.collect) runs at a scheduling point.
    // A cancellation of one of our host calls that landed after the slice's check bumped the epoch before we read
    // it: without this look the JS side would not be aborted until something else woke us.
    if (exports.__vt_runnable() > 0 || shared.gcRequested() || this.w.hostCalls.cancelsWaiting()) {
      shared.addSleeper(-1);
      this.host.soon(this.pump);
      return;
    }
    const deadline = exports.__vt_next_deadline();
    let timeout = deadline === Infinity ? Infinity : Math.max(0, deadline - (performance.timeOrigin + performance.now()));
    // Idle before the deadlock check, not after: of workers going to sleep at the same moment, each stores its own
    // flag and then reads the others', so the last one sees every flag (with the check first, each could miss the
    // others and all would sleep without a timeout, the deadlock never reported).
    shared.setIdle(index, IDLE_WAITING);
    if (this.checkDeadlock()) {
      shared.setIdle(index, IDLE_NO);
      shared.addSleeper(-1);
      this.host.soon(this.pump);
      return;
    }
    if (this.deadlockSuspect !== null) timeout = Math.min(timeout, DEADLOCK_CONFIRM_MS);
    const wake = () => {
      shared.setIdle(index, IDLE_NO);
      shared.addSleeper(-1);
      this.pump();
    };
    const waited = shared.waitForWake(epoch, timeout);
    if (waited.async) waited.value.then(wake);
    else this.host.soon(wake);
  }

  /**
   * Deadlock detection (wasm debug/deadlock.ts): a first suspicion makes this worker look again shortly; if it
   * still holds and no thread ran anywhere in between, the blocked root calls fail with the dump. Returns true
   * when it broke a deadlock (threads are runnable again).
   */
  private checkDeadlock(): boolean {
    const { exports, shared } = this.w;
    if (exports.__vt_deadlock_suspected() === 0) {
      this.deadlockSuspect = null;
      return false;
    }
    const switches = shared.totalSwitches();
    if (this.deadlockSuspect === switches && exports.__vt_break_deadlock() > 0) {
      this.deadlockSuspect = null;
      return true;
    }
    this.deadlockSuspect = switches;
    return false;
  }
}
