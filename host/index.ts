// vthreads, the host API for Node: run guest modules on worker_threads that share one memory. Building them is
// "vthreads/toolchain" (toolchain.ts).
// (Browsers get browser.ts through the package's "browser" export condition: the same Runtime on Web Workers.)

import { installPlatform } from "./runtime/platform.js";
import { nodePlatform } from "./platform/node.js";

installPlatform(nodePlatform);

export { Runtime, type RuntimeOptions, type CallOptions, type CloseOptions } from "./runtime/runtime.js";
export { ThreadFailure, RuntimeClosedError, RuntimeBrokenError, CancelledError, DeadlockError } from "./runtime/errors.js";
export { renderDump, type Dump, type DumpThread, type DumpGroup, type DumpWait } from "./runtime/dump.js";
export { ModuleError, type Manifest } from "./abi/manifest.js";
export { CrossOriginIsolationError } from "./platform/isolation.js";
export type { ModuleSource } from "./runtime/source.js";
export type { Backend, BackendOption } from "./runtime/backend.js";
export { engineHasJspi } from "./workers/jspi-loop.js";
/** RuntimeOptions.jspiStackLimit's default in Node. */
export { NODE_JSPI_STACK_LIMIT as DEFAULT_JSPI_STACK_LIMIT } from "./platform/node.js";
export type { MemoryStats, SchedulerStats } from "./runtime/stats.js";
export type { ExportSignature } from "./abi/types.js";
// The toolchain (build, BuildError) is its own entry, "vthreads/toolchain" (toolchain.ts): importing the runtime loads
// no compiler and no binaryen.
