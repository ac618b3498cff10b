// What a worker calls in its instance of the module: the runtime's exports (wasm/host/exports.ts), typed, and the
// mutator bracket made re-entrant.

import type { JspiExports } from "./jspi-loop.js";

export interface RuntimeExports extends JspiExports {
  __vt_boot(index: number, workers: number, jspi: number): number;
  __vt_run(sliceMs: number): number;
  __vt_fail_current(message: number): number;
  __vt_next_deadline(): number;
  __vt_runnable(): number;
  __vt_alloc(size: number): number;
  __vt_free(ptr: number): void;
  __vt_string(units: number): number;
  __vt_dump(): number;
  __vt_deadlock_suspected(): number;
  __vt_break_deadlock(): number;
  __vt_cancel_root(thread: number): number;
  __vt_cancel_background(): void;
  __new(size: number, id: number): number;
  __vt_pin(ptr: number): number;
  __vt_unpin(ptr: number): number;
  __vt_host_settle(rec: number, state: number): number;
  __vt_host_drop(rec: number): void;
  __vt_reenter(fn: number, arg: number): number;
  __vt_host_frames(): number;
  __vt_set_host_frames(n: number): void;
  __vt_run_nested(): number;
  _start(): void;
  __vt_start_program(): number;
  __vt_program_failed(): void;
  [name: string]: unknown;
}

/**
 * The exports with `__vt_mutator_enter/leave` made re-entrant: on JSPI a slice stays inside its bracket across the
 * microtasks that resume threads, and the host-call code that runs in between brackets itself too.
 */
export function nestMutatorBrackets(raw: RuntimeExports): RuntimeExports {
  let depth = 0;
  return Object.assign(Object.create(null) as RuntimeExports, raw, {
    __vt_mutator_enter: () => {
      if (depth++ === 0) raw.__vt_mutator_enter();
    },
    __vt_mutator_leave: () => {
      if (--depth === 0) raw.__vt_mutator_leave();
    },
  });
}
