// Messages between the main thread (host/runtime) and the workers (host/workers/core.ts).

import type { Manifest } from "../runtime/manifest.js";

export interface InitMessage {
  type: "init";
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  manifest: Manifest;
  index: number;
  /** How many workers the runtime has (fixed for its life). */
  workers: number;
  /** How long a worker runs threads before it lets its event loop take messages. */
  sliceMs: number;
}
export interface CallMessage {
  type: "call";
  id: number;
  exportIndex: number;
  args: unknown[];
}
export interface CloseMessage {
  type: "close";
}
export type ToWorker = InitMessage | CallMessage | CloseMessage;

export interface ReadyMessage {
  type: "ready";
  index: number;
}
/** A worker could not start, or the runtime itself (not a guest thread) failed in it. */
export interface FatalMessage {
  type: "fatal";
  index: number;
  message: string;
}
export interface ResultMessage {
  type: "result";
  id: number;
  ok: boolean;
  value?: unknown;
  /** On failure: the failed root thread's id (0 when the call never got a thread) and its message. */
  thread?: number;
  reason?: string;
}
export interface ClosedMessage {
  type: "closed";
  index: number;
}
export type FromWorker = ReadyMessage | FatalMessage | ResultMessage | ClosedMessage;
