// The JSPI backend's scheduler loop, one per worker. With JSPI a virtual thread's stack is an engine stack that only
// JS can start or resume, so the loop lives here rather than in Wasm (wasm/driver/jspi.ts has the other half):
//
//   __vt_jspi_next()                 the next thread, made current (queues, timers, collections: all in Wasm)
//   new thread:   promising(__vt_jspi_enter)(t)   runs it on a new stack until it suspends or returns
//                 or, on an idle stack, resolve that stack's promise with t
//   suspended:    resolve its promise             it runs in a microtask until it suspends again or returns
//   __vt_jspi_after(t)               queue it again, leave it parked, or end it
//
// A suspended thread's resolver is kept in `resumers`, at an index the thread's shadow-stack block records (its
// `resumer` word, wasm/driver/jspi.ts), so a switch finds it without a Map lookup.
//
// A thread suspends by calling the `vthreads.jspi_suspend` import, a WebAssembly.Suspending function. The switch is
// chained: that import itself settles the thread that suspends (`__vt_jspi_after`), picks the next one and resolves
// its promise, so the next thread runs in the very next microtask. Resuming costs one promise and one microtask,
// which is all JSPI allows (a suspended stack only resumes from a settled promise); a loop that awaited each thread's
// return before resuming the next paid two.
//
// Stacks are reused: when a thread's function returns, its engine stack calls `vthreads.jspi_done` (Suspending too),
// which settles the thread, keeps the stack as idle and goes on with the chain; a new thread then runs on an idle
// stack, resumed with the thread's record, rather than on a new one (creating a stack costs microseconds: most
// threads are short). Without an idle stack, a new thread starts on a new stack from the slice's own frame or a
// microtask, never inside another thread's import, where its stack would nest in that one's.

import { RUN_IDLE, RUN_BUSY, STACK_ENDS, STACK_TRIMMED, SHADOW_RESUMER } from "../abi/layout.js";
import type { SharedState } from "../abi/shared-state.js";

/** The Wasm side of the loop (host/exports.ts). */
export interface JspiExports {
  __vt_jspi_next(): number;
  __vt_jspi_enter(t: number): void;
  __vt_jspi_after(t: number): number;
  __vt_jspi_abandon(): number;
  __vt_jspi_attach(): void;
  __vt_mutator_enter(): void;
  __vt_mutator_leave(): void;
}

/**
 * Picks between two readings of the clock, for the end of the slice. A reading (`performance.now()`) costs ~50 ns in
 * Node and ~170 ns in Chromium, against ~150 ns for a whole switch.
 */
const PICKS_PER_CLOCK_READING = 32;

/**
 * Idle stacks a busy worker keeps for new threads; beyond, a stack whose thread returned ends. A worker with nothing
 * to run ends all of them before it sleeps, so an idle runtime holds none (each keeps a 16 KiB shadow stack).
 */
const IDLE_STACKS = 16;

/**
 * What resumes the stack of a thread that is over (failed or cancelled while suspending): thrown out of its
 * `jspi_suspend` import, it unwinds the stack's frames so that the engine frees the stack.
 */
const UNWIND = Symbol("vthreads: unwind an ended thread's stack");

/** Whether this engine has JSPI (WebAssembly.Suspending and WebAssembly.promising). */
export function engineHasJspi(): boolean {
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  return typeof wasm.Suspending === "function" && typeof wasm.promising === "function";
}

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
  /** Idle engine stacks: resolving one with a thread's record runs that thread on it; with STACK_TRIMMED ends it. */
  private readonly idle: ((t: number) => void)[] = [];
  private memory!: WebAssembly.Memory;
  private u32 = new Uint32Array(0);
  private exports!: JspiExports;
  private enter!: (t: number) => Promise<unknown>;
  /** The shared header, for the runtime-wide count of JSPI stacks. */
  private shared!: SharedState;
  private slice: Slice | null = null;
  /** Fails the current thread after a trap or abort ended its stack (the worker's `__vt_fail_current` path). */
  private failRunning: (error: unknown) => void = () => {};

  /** The `vthreads.jspi_suspend` import. */
  readonly suspendImport: unknown;
  /** The `vthreads.jspi_done` import. */
  readonly doneImport: unknown;
  /** The `vthreads.jspi_stack_end` import: an engine stack ends, after `jspi_done` said STACK_ENDS or STACK_TRIMMED. */
  readonly stackEndImport = (why: number): void => {
    this.stackGone();
    if (why === STACK_TRIMMED) this.next(true); // the loop was waiting for it: its shadow stack is back in the heap
  };

  constructor() {
    const api = WebAssembly as unknown as JspiApi;
    this.suspendImport = new api.Suspending((t: number, block: number) => {
      const resumed = new Promise<void>((resolve) => (this.resumers[this.resumerIndex(block)] = resolve));
      // On the suspending thread's stack, before it suspends: its shadow stack is saved, the worker's is current.
      let over = false;
      try {
        over = this.after(t);
        if (over) this.stackGone();
      } catch (error) {
        this.breakSlice(error);
        return resumed;
      }
      this.next(true);
      // Over: it failed or was cancelled while suspending. Its stack must still end: V8 frees an engine stack only
      // when its promising call settles, never a suspended one (not even when nothing references it), so dropping it
      // kept ~2 mappings per cancelled thread until the process died. Resumed with a rejection, the import throws
      // UNWIND through the thread's Wasm frames (AssemblyScript has no catch: no Wasm code runs on the way) and the
      // stack's promising call rejects with it (`start`).
      return over ? Promise.reject(UNWIND) : resumed;
    });
    this.doneImport = new api.Suspending((t: number, spare: number) => {
      // On the stack whose thread `t` has just returned: settle it, and keep the stack (and `spare`, the thread's
      // shadow-stack block) for a new thread.
      let reused: Promise<number> | number = STACK_ENDS; // not a promise: no suspension
      try {
        this.after(t);
        if (this.idle.length < IDLE_STACKS) reused = new Promise<number>((resolve) => this.idle.push(resolve));
        else if (spare !== 0) this.releaseResumer(this.resumerIndex(spare, false)); // the block is freed
      } catch (error) {
        this.breakSlice(error);
        return STACK_ENDS;
      }
      this.next(true);
      return reused;
    });
  }

  attach(exports: JspiExports, shared: SharedState): void {
    this.exports = exports;
    this.memory = shared.memory;
    this.shared = shared;
    this.enter = (WebAssembly as unknown as JspiApi).promising(exports.__vt_jspi_enter);
  }

  /** The resumer index recorded in a shadow-stack block; `assign`: given one if it has none (0). */
  private resumerIndex(block: number, assign = true): number {
    const word = (block + SHADOW_RESUMER) >>> 2;
    if (word >= this.u32.length) this.u32 = new Uint32Array(this.memory.buffer); // the memory grew
    let index = this.u32[word];
    if (index === 0 && assign) {
      index = this.freeResumers.pop() ?? this.resumers.length;
      this.u32[word] = index;
    }
    return index;
  }

  /** A thread is over: its resumer index (0 for none) is free again. */
  private releaseResumer(resumer: number): void {
    if (resumer !== 0) {
      this.resumers[resumer] = null;
      this.freeResumers.push(resumer);
    }
  }

  /** An engine stack ended or was dropped. */
  private stackGone(): void {
    this.shared.addJspiStack(-1);
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
        if (t === 0) {
          // Nothing to run yet. From an import, look again after the microtasks already queued: a host call's promise
          // settling there wakes a thread (a host call that returns a settled promise does so every time).
          if (inImport) return queueMicrotask(() => this.next(false));
          // Nothing to run: end the idle stacks, one at a time, inside the slice (they free their shadow stacks).
          const idle = this.idle.pop();
          return idle !== undefined ? idle(STACK_TRIMMED) : this.endSlice(RUN_IDLE);
        }
        if (t & 1) {
          const resumer = t >>> 1;
          const resume = this.resumers[resumer]!;
          this.resumers[resumer] = null;
          return resume(); // the chain goes on when the thread suspends, returns or traps
        }
        const idle = this.idle.pop();
        if (idle !== undefined) return idle(t); // the chain goes on when t suspends, returns or traps
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
   * Runs a thread on a new stack. True when the chain goes on from the thread (it suspended or returned, and its
   * import went on; or a trap will); false when it failed to start: pick the next one.
   */
  private start(t: number): boolean {
    // Beyond a few tens of thousands of stacks the process dies (V8 cannot allocate a stack segment, or Linux runs
    // out of mappings): refuse the thread with a clear failure instead.
    const limit = this.shared.jspiStackLimit();
    if (this.shared.addJspiStack(1) >= limit) { // counted like a stack that failed at once
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
    // An ending stack says so itself (stackEndImport); a stack unwound after its thread ended (UNWIND) is already
    // counted out, and the chain goes on elsewhere.
    done.catch((error: unknown) => {
      if (error !== UNWIND) this.trapped(error);
    });
    return true;
  }

  /** A trap or a guest abort ended a stack, and the thread running on it. */
  private trapped(error: unknown): void {
    try {
      this.failed(error);
    } catch (failure) {
      return this.breakSlice(failure);
    }
    this.next(false);
  }

  /** Thread `t` suspended or returned: ends it, queues it again or leaves it parked. True when it is over. */
  private after(t: number): boolean {
    const over = this.exports.__vt_jspi_after(t);
    if (over === 0) return false;
    this.releaseResumer(over - 1); // the record may soon be another thread's
    return true;
  }

  /** Fails the current thread, whose stack is over or never began. */
  private failed(error: unknown): void {
    const resumer = this.exports.__vt_jspi_abandon();
    this.failRunning(error);
    this.releaseResumer(resumer);
    this.stackGone();
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
