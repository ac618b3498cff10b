// The JSPI backend's scheduler loop, one per worker. With JSPI a virtual thread's stack is an engine stack that only
// JS can start or resume, so the loop lives here rather than in Wasm (wasm/scheduler/jspi.ts has the other half):
//
//   t = __vt_jspi_next()             the next thread, made current (queues, timers, collections: all in Wasm)
//   new thread:   promising(__vt_jspi_enter)(t)   runs it on a new stack until it suspends or returns (synchronously)
//   suspended:    resolve its promise, await it   it runs in a microtask until it suspends again or returns
//   __vt_jspi_after(t)               queue it again, leave it parked, or end it
//
// A thread suspends by calling the `vthreads.jspi_suspend` import, a WebAssembly.Suspending function: it keeps the
// resolver of the promise it returns (resolving it resumes the thread) and tells the loop the thread is back.

import { JSPI_STACKS, JSPI_STACK_LIMIT } from "../runtime/layout.js";

/** The Wasm side of the loop (host/exports.ts). */
export interface JspiExports {
  __vt_jspi_next(): number;
  __vt_jspi_enter(t: number): void;
  __vt_jspi_after(t: number): number;
  __vt_jspi_finished(): number;
  __vt_jspi_abandon(): void;
  __vt_jspi_attach(): void;
  __vt_mutator_enter(): void;
  __vt_mutator_leave(): void;
}

/** Results of a slice, as `__vt_run`'s. */
export const RUN_IDLE = 0;
export const RUN_BUSY = 1;

interface JspiApi {
  Suspending: new (fn: (...args: never[]) => unknown) => unknown;
  promising: (fn: unknown) => (...args: number[]) => Promise<unknown>;
}

export class JspiLoop {
  /** The resolver that resumes each suspended thread of this worker, by thread record. */
  private readonly suspended = new Map<number, () => void>();
  private exports!: JspiExports;
  private enter!: (t: number) => Promise<unknown>;
  /** The thread the loop waits for after resuming it, and how to tell the loop it is back. */
  private awaited = 0;
  private back: (() => void) | null = null;
  /** What ended the thread that last ran, when a trap or a guest abort did. */
  private trapped: { error: unknown } | null = null;

  /** The `vthreads.jspi_suspend` import. */
  readonly suspendImport: unknown;

  constructor() {
    const api = WebAssembly as unknown as JspiApi;
    this.suspendImport = new api.Suspending((t: number) => {
      const resumed = new Promise<void>((resolve) => this.suspended.set(t, resolve));
      this.returned(t);
      return resumed;
    });
  }

  /** The shared header, for the runtime-wide count of JSPI stacks. */
  private header!: Int32Array;

  attach(exports: JspiExports, memory: WebAssembly.Memory): void {
    this.exports = exports;
    this.header = new Int32Array(memory.buffer, 0, 1024);
    this.enter = (WebAssembly as unknown as JspiApi).promising(exports.__vt_jspi_enter);
  }

  /** Threads whose stacks this worker holds. */
  get stacks(): number {
    return this.suspended.size;
  }

  /**
   * Runs threads until none is runnable here (RUN_IDLE) or `sliceMs` has passed (RUN_BUSY). `failRunning` fails the
   * current thread after a trap or abort ended its stack (the worker's usual path, `__vt_fail_current`).
   */
  async runSlice(sliceMs: number, failRunning: (error: unknown) => void): Promise<number> {
    const ex = this.exports;
    const end = performance.now() + sliceMs;
    ex.__vt_mutator_enter();
    try {
      for (;;) {
        const t = ex.__vt_jspi_next();
        if (t === 0) return RUN_IDLE;
        this.trapped = null;
        const resume = this.suspended.get(t);
        if (resume !== undefined) {
          this.suspended.delete(t);
          await new Promise<void>((back) => {
            this.awaited = t;
            this.back = back;
            resume();
          });
        } else {
          const trap = this.start(t);
          if (trap !== undefined) await trap;
        }
        const trapped = this.trapped as { error: unknown } | null; // set by callbacks
        if (trapped !== null) {
          ex.__vt_jspi_abandon();
          failRunning(trapped.error);
          this.stackEnded(t);
        } else if (ex.__vt_jspi_after(t) !== 0) {
          // Its stack is over (it returned, or failed or was cancelled while suspended: that stack is dropped, never
          // resumed). The record may soon be another thread's.
          this.stackEnded(t);
        }
        if (performance.now() >= end) return RUN_BUSY;
      }
    } finally {
      this.awaited = 0;
      this.back = null;
      ex.__vt_mutator_leave();
    }
  }

  /** Runs a thread that has no stack yet. Synchronous unless it trapped before its first suspension. */
  private start(t: number): Promise<void> | undefined {
    // Beyond a few tens of thousands of stacks the process dies (V8 cannot allocate a stack segment, or Linux runs
    // out of mappings): refuse the thread with a clear failure instead.
    const limit = Atomics.load(this.header, JSPI_STACK_LIMIT >> 2);
    if (Atomics.add(this.header, JSPI_STACKS >> 2, 1) >= limit) { // counted like a stack that failed at once
      this.trapped = { error: new Error(`cannot start the thread: the JSPI backend holds at most ${limit} threads with a stack ` +
        "(RuntimeOptions.jspiStackLimit); the Asyncify backend holds millions") };
      return undefined;
    }
    let done: Promise<unknown>;
    try {
      done = this.enter(t);
    } catch (error) {
      this.trapped = { error };
      return undefined;
    }
    // Later, after resumptions, the thread returns or traps: that ends the loop's wait for it.
    done.then(
      () => this.returned(t),
      (error) => {
        if (this.awaited === t) this.trapped = { error };
        this.returned(t);
      },
    );
    if (this.suspended.has(t) || this.exports.__vt_jspi_finished() !== 0) return undefined;
    // Neither suspended nor returned: it trapped, and the promise says with what.
    return done.then(
      () => undefined,
      (error) => void (this.trapped = { error }),
    );
  }

  private stackEnded(t: number): void {
    this.suspended.delete(t);
    Atomics.sub(this.header, JSPI_STACKS >> 2, 1);
  }

  /** Thread `t` suspended, returned or trapped: if the loop is waiting for it, it goes on. */
  private returned(t: number): void {
    if (this.awaited !== t || this.back === null) return;
    const back = this.back;
    this.awaited = 0;
    this.back = null;
    back();
  }
}
