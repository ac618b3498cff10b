// The JSPI backend's scheduler loop, one per worker. With JSPI a virtual thread's stack is an engine stack that only
// JS can start or resume, so the loop lives here rather than in Wasm (wasm/scheduler/jspi.ts has the other half):
//
//   __vt_jspi_next()                 the next thread, made current (queues, timers, collections: all in Wasm)
//   new thread:   promising(__vt_jspi_enter)(t)   runs it on a new stack until it suspends or returns
//   suspended:    resolve its promise             it runs in a microtask until it suspends again or returns
//   __vt_jspi_after(t)               queue it again, leave it parked, or end it
//
// A suspended thread's resolver is kept in `resumers`, at an index the thread's shadow-stack block records (its
// `resumer` word, wasm/scheduler/jspi.ts), so a switch finds it without a Map lookup.
//
// A thread suspends by calling the `vthreads.jspi_suspend` import, a WebAssembly.Suspending function. The switch is
// chained: that import itself settles the thread that suspends (`__vt_jspi_after`), picks the next one and resolves
// its promise, so the next thread runs in the very next microtask. Resuming costs one promise and one microtask,
// which is all JSPI allows (a suspended stack only resumes from a settled promise); a loop that awaited each thread's
// return before resuming the next paid two. The chain goes back to the slice's promise only when nothing is runnable,
// when the slice is over, or to start a new thread (a stack started inside another thread's import would nest).

import { JSPI_STACKS, JSPI_STACK_LIMIT } from "../runtime/layout.js";

/** The Wasm side of the loop (host/exports.ts). */
export interface JspiExports {
  __vt_jspi_next(): number;
  __vt_jspi_enter(t: number): void;
  __vt_jspi_after(t: number): number;
  __vt_jspi_finished(): number;
  __vt_jspi_abandon(): number;
  __vt_jspi_attach(): void;
  __vt_mutator_enter(): void;
  __vt_mutator_leave(): void;
}

/** Results of a slice, as `__vt_run`'s. */
export const RUN_IDLE = 0;
export const RUN_BUSY = 1;

/** Where a thread's shadow-stack block keeps its resumer index (SHADOW_RESUMER in wasm/scheduler/jspi.ts). */
const SHADOW_RESUMER = 4;

/**
 * Picks between two readings of the clock, for the end of the slice. A reading (`performance.now()`) costs ~50 ns in
 * Node and ~170 ns in Chromium, against ~150 ns for a whole switch.
 */
const PICKS_PER_CLOCK_READING = 32;

interface JspiApi {
  Suspending: new (fn: (...args: never[]) => unknown) => unknown;
  promising: (fn: unknown) => (...args: number[]) => Promise<unknown>;
}

/** The slice in progress: when it ends, and how to tell `runSlice`'s caller. */
interface Slice {
  end: number;
  picks: number;
  done: (status: number) => void;
  broke: (error: unknown) => void;
}

export class JspiLoop {
  /** What resumes each suspended thread of this worker, by resumer index (0 is never used). */
  private readonly resumers: ((() => void) | null)[] = [null];
  /** Resumer indexes free for reuse. */
  private readonly freeResumers: number[] = [];
  private memory!: WebAssembly.Memory;
  private u32 = new Uint32Array(0);
  private exports!: JspiExports;
  private enter!: (t: number) => Promise<unknown>;
  /** The shared header, for the runtime-wide count of JSPI stacks. */
  private header!: Int32Array;
  private slice: Slice | null = null;
  /** Fails the current thread after a trap or abort ended its stack (the worker's `__vt_fail_current` path). */
  private failRunning: (error: unknown) => void = () => {};

  /** The `vthreads.jspi_suspend` import. */
  readonly suspendImport: unknown;

  constructor() {
    const api = WebAssembly as unknown as JspiApi;
    this.suspendImport = new api.Suspending((t: number, block: number) => {
      const resumed = new Promise<void>((resolve) => (this.resumers[this.resumerIndex(block)] = resolve));
      // On the suspending thread's stack, before it suspends: its shadow stack is saved, the worker's is current.
      try {
        this.after(t);
      } catch (error) {
        this.breakSlice(error);
        return resumed;
      }
      this.next(true);
      return resumed;
    });
  }

  attach(exports: JspiExports, memory: WebAssembly.Memory): void {
    this.exports = exports;
    this.memory = memory;
    this.header = new Int32Array(memory.buffer, 0, 1024);
    this.enter = (WebAssembly as unknown as JspiApi).promising(exports.__vt_jspi_enter);
  }

  /** The resumer index recorded in a thread's shadow-stack block, given one on its first suspension. */
  private resumerIndex(block: number): number {
    const word = (block + SHADOW_RESUMER) >>> 2;
    if (word >= this.u32.length) this.u32 = new Uint32Array(this.memory.buffer); // the memory grew
    let index = this.u32[word];
    if (index === 0) {
      index = this.freeResumers.pop() ?? this.resumers.length;
      this.u32[word] = index;
    }
    return index;
  }

  /** A thread's stack is over: its resumer index (0 for none) is free again. */
  private stackEnded(resumer: number): void {
    if (resumer !== 0) {
      this.resumers[resumer] = null;
      this.freeResumers.push(resumer);
    }
    Atomics.sub(this.header, JSPI_STACKS >> 2, 1);
  }

  /**
   * Runs threads until none is runnable here (RUN_IDLE) or `sliceMs` has passed (RUN_BUSY). `failRunning` fails the
   * current thread after a trap or abort ended its stack (the worker's usual path, `__vt_fail_current`).
   */
  async runSlice(sliceMs: number, failRunning: (error: unknown) => void): Promise<number> {
    const ex = this.exports;
    this.failRunning = failRunning;
    ex.__vt_mutator_enter();
    try {
      return await new Promise<number>((done, broke) => {
        this.slice = { end: performance.now() + sliceMs, picks: 0, done, broke };
        this.next(false);
      });
    } finally {
      this.slice = null;
      ex.__vt_mutator_leave();
    }
  }

  /**
   * Runs or resumes the next runnable thread, or ends the slice. `inImport`: called on a suspending thread's stack,
   * where a new thread must not start (its stack would nest in that one's); it starts from a microtask instead.
   */
  private next(inImport: boolean): void {
    const slice = this.slice;
    if (slice === null) return;
    try {
      while (this.slice === slice) {
        if (++slice.picks % PICKS_PER_CLOCK_READING === 0 && performance.now() >= slice.end) return this.endSlice(RUN_BUSY);
        const t = this.exports.__vt_jspi_next();
        if (t === 0) return this.endSlice(RUN_IDLE);
        if (t & 1) {
          const resumer = t >>> 1;
          const resume = this.resumers[resumer]!;
          this.resumers[resumer] = null;
          return resume(); // the chain goes on when the thread suspends, returns or traps
        }
        if (inImport) return queueMicrotask(() => this.startThenNext(t));
        if (this.start(t)) return;
      }
    } catch (error) {
      this.breakSlice(error);
    }
  }

  private startThenNext(t: number): void {
    try {
      if (!this.start(t)) this.next(false);
    } catch (error) {
      this.breakSlice(error);
    }
  }

  /**
   * Runs a thread that has no stack yet. True when the chain goes on from the thread (it suspended, or its promise
   * will say how it ended); false when it is over already (it returned, or failed to start): pick the next one.
   */
  private start(t: number): boolean {
    // Beyond a few tens of thousands of stacks the process dies (V8 cannot allocate a stack segment, or Linux runs
    // out of mappings): refuse the thread with a clear failure instead.
    const limit = Atomics.load(this.header, JSPI_STACK_LIMIT >> 2);
    if (Atomics.add(this.header, JSPI_STACKS >> 2, 1) >= limit) { // counted like a stack that failed at once
      this.failed(new Error(`cannot start the thread: the JSPI backend holds at most ${limit} threads with a stack ` +
        "(RuntimeOptions.jspiStackLimit); the Asyncify backend holds millions"));
      return false;
    }
    let done: Promise<unknown>;
    try {
      done = this.enter(t);
    } catch (error) {
      this.failed(error);
      return false;
    }
    // Returned without suspending (short threads often do): settled now rather than a microtask later.
    const returned = this.exports.__vt_jspi_finished() !== 0;
    if (returned) {
      this.after(t);
      return false;
    }
    done.then(() => this.ended(t, null), (error) => this.ended(t, { error }));
    return true;
  }

  /** Thread `t`, started earlier, returned or (with `trap`) was ended by a trap or a guest abort: the chain goes on. */
  private ended(t: number, trap: { error: unknown } | null): void {
    try {
      if (trap === null) this.after(t);
      else this.failed(trap.error);
    } catch (error) {
      return this.breakSlice(error);
    }
    this.next(false);
  }

  /** Thread `t` suspended or returned: ends it, queues it again or leaves it parked. */
  private after(t: number): void {
    const over = this.exports.__vt_jspi_after(t);
    // Its stack is over (it returned, or failed or was cancelled while suspended: that stack is dropped, never
    // resumed). The record may soon be another thread's.
    if (over !== 0) this.stackEnded(over - 1);
  }

  /** Fails the current thread, whose stack is over or never began. */
  private failed(error: unknown): void {
    const resumer = this.exports.__vt_jspi_abandon();
    this.failRunning(error);
    this.stackEnded(resumer);
  }

  private endSlice(status: number): void {
    const slice = this.slice;
    this.slice = null;
    slice?.done(status);
  }

  /** Scheduler code itself failed (not a thread): the worker reports it as fatal. */
  private breakSlice(error: unknown): void {
    const slice = this.slice;
    this.slice = null;
    slice?.broke(error);
  }
}
