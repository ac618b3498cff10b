// Messages between the main thread (host/runtime) and the workers (host/workers/core.ts).

import type { Manifest } from "../abi/manifest.js";
import type { Grants } from "./grants.js";

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
  /** URL of the ES module whose exported functions are the guest's host functions (RuntimeOptions.hostModule). */
  hostModule?: string;
  /** The stack switching the module was built for (its manifest says the same). */
  backend: "asyncify" | "jspi";
  /** What the built-in host functions may reach (RuntimeOptions.allow). */
  grants: Grants;
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
/** Cancel the root thread of call `id` (its AbortSignal fired). Sent to the worker that started the call. */
export interface CancelMessage {
  type: "cancel";
  id: number;
}
/** Write the thread dump and send it back as a DumpReply with the same id. */
export interface DumpMessage {
  type: "dump";
  id: number;
}
/** Cancel the background group (close gave up waiting for it). */
export interface CancelBackgroundMessage {
  type: "cancel-background";
}
export type ToWorker = InitMessage | CallMessage | CloseMessage | CancelMessage | DumpMessage | CancelBackgroundMessage;

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
  /** The root thread ended because it was cancelled (not a failure). */
  cancelled?: boolean;
}
export interface DumpReply {
  type: "dump";
  id: number;
  /** The dump as JSON text, or null when the runtime had no memory to write it. */
  json: string | null;
}
export interface ClosedMessage {
  type: "closed";
  index: number;
}
export type FromWorker = ReadyMessage | FatalMessage | ResultMessage | ClosedMessage | DumpReply;
