// vthreads, the host API for browsers: the same Runtime as in Node, its workers are module Web Workers, and the page
// must be cross-origin isolated (COOP/COEP headers). No toolchain here: guest modules are built with Node
// (`vthreads build`) and loaded as .wasm. Nothing in this module graph imports a node: module.

import { installPlatform } from "./runtime/platform.js";
import { browserPlatform } from "./platform/browser.js";

installPlatform(browserPlatform);

export { Runtime, type RuntimeOptions, type CallOptions, type CloseOptions } from "./runtime/runtime.js";
export { ThreadFailure, RuntimeClosedError, RuntimeBrokenError, CancelledError, DeadlockError } from "./runtime/errors.js";
export { renderDump, type Dump, type DumpThread, type DumpGroup, type DumpWait } from "./runtime/dump.js";
export { ModuleError, type Manifest } from "./abi/manifest.js";
export { CrossOriginIsolationError, REQUIRED_HEADERS } from "./platform/isolation.js";
export type { ModuleSource } from "./runtime/source.js";
export type { Backend, BackendOption } from "./runtime/backend.js";
export { engineHasJspi } from "./workers/jspi-loop.js";
/** RuntimeOptions.jspiStackLimit's default in this browser (18,000; 14,000 in Firefox). */
export const DEFAULT_JSPI_STACK_LIMIT: number = browserPlatform.jspiStackLimit;
export type { MemoryStats, SchedulerStats } from "./runtime/stats.js";
export type { ExportSignature } from "./abi/types.js";
