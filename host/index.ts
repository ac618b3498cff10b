// vthreads, the host API: build guest modules and run them on workers that share one memory.

export { Runtime, type RuntimeOptions, type CallOptions, type CloseOptions } from "./runtime/runtime.js";
export { ThreadFailure, RuntimeClosedError, CancelledError, DeadlockError } from "./runtime/errors.js";
export { renderDump, type Dump, type DumpThread, type DumpGroup, type DumpWait } from "./runtime/dump.js";
export { ModuleError, type Manifest } from "./runtime/manifest.js";
export type { ModuleSource } from "./runtime/source.js";
export type { MemoryStats, SchedulerStats } from "./runtime/stats.js";
export type { ExportSignature } from "./toolchain/types.js";
export { build, type BuildOptions, type BuildResult } from "./toolchain/build.js";
export { BuildError } from "./toolchain/errors.js";
