// The audit of AssemblyScript's standard library for state that outlives a call, for the version the package pins
// (assemblyscript 0.28.20). Every worker runs its own instance of the module on one shared memory, so each piece of
// std state is one of:
//  - "worker": a per-instance Wasm global used as scratch WITHIN one call that never suspends (set, then read before
//    the call returns). Sharing it would be a race between workers; per worker it is exactly right.
//  - "shared": program state (like a guest's module variable): one copy in shared memory, and every function that
//    touches it runs under the std lock (STD_LOCKED_FUNCTIONS), since std does not expect two callers at once.
// docs/design.md ("The standard library on many workers") gives the same table for readers.
// test/toolchain/std-audit.test.ts fails when std grows a module variable, a static field or a `memory.data`
// scratch buffer that is not listed here, so an upgrade of AssemblyScript cannot slip one past.

export type StdGlobalKind = "worker" | "shared";

export interface StdGlobal {
  kind: StdGlobalKind;
  why: string;
  /** A shared variable that needs no lock, and why (otherwise the functions that touch it are locked). */
  unlocked?: string;
}

const GRISU = "Grisu2 scratch of one float-to-string conversion (dtoa_core)";
const RANDOM = "Math.random's generator state: one generator per program, as in Java and Go (seedRandom seeds it for every thread)";
const SINCOS = "result of NativeMath.sincos, read by the caller right after the call returns";

/** Every mutable global of std, by its compiled name. */
export const STD_GLOBALS: Record<string, StdGlobal> = {
  "~lib/util/number/_K": { kind: "worker", why: GRISU },
  "~lib/util/number/_exp": { kind: "worker", why: GRISU },
  "~lib/util/number/_frc_minus": { kind: "worker", why: GRISU },
  "~lib/util/number/_frc_plus": { kind: "worker", why: GRISU },
  "~lib/util/number/_frc_pow": { kind: "worker", why: GRISU },
  "~lib/util/number/_exp_pow": { kind: "worker", why: GRISU },
  "~lib/util/number/dtoa_buf": {
    kind: "worker",
    why: "the buffer every f32/f64 to string conversion writes into (std-patches.ts makes it per worker; in std it is one static buffer)",
  },
  "~lib/util/string/__fixmulShift": { kind: "worker", why: "scratch of one string-to-float parse (strtod)" },
  "~lib/util/math/log_tail": { kind: "worker", why: "scratch of one Math.pow" },
  "~lib/math/rempio2_y0": { kind: "worker", why: "scratch of one trigonometric argument reduction" },
  "~lib/math/rempio2_y1": { kind: "worker", why: "scratch of one trigonometric argument reduction" },
  "~lib/math/res128_hi": { kind: "worker", why: "scratch of one trigonometric argument reduction" },
  "~lib/math/rempio2f_y": { kind: "worker", why: "scratch of one trigonometric argument reduction (f32)" },
  "~lib/math/NativeMath.sincos_sin": { kind: "worker", why: SINCOS },
  "~lib/math/NativeMath.sincos_cos": { kind: "worker", why: SINCOS },
  "~lib/math/NativeMathf.sincos_sin": { kind: "worker", why: SINCOS },
  "~lib/math/NativeMathf.sincos_cos": { kind: "worker", why: SINCOS },
  "~lib/date/_month": { kind: "worker", why: "scratch of one date conversion" },
  "~lib/date/_day": { kind: "worker", why: "scratch of one date conversion" },
  "~lib/math/random_seeded": { kind: "shared", why: RANDOM },
  "~lib/math/random_state0_64": { kind: "shared", why: RANDOM },
  "~lib/math/random_state1_64": { kind: "shared", why: RANDOM },
  "~lib/math/random_state0_32": { kind: "shared", why: RANDOM },
  "~lib/math/random_state1_32": { kind: "shared", why: RANDOM },
  "~lib/symbol/stringToId": { kind: "shared", why: "Symbol.for's registry: one per program" },
  "~lib/symbol/idToString": { kind: "shared", why: "Symbol.for's registry: one per program" },
  "~lib/symbol/nextId": { kind: "shared", why: "the next Symbol id: one per program" },
  "~lib/process/process.exitCode": {
    kind: "shared", why: "the program's exit code (WASI): one per program", unlocked: "only ever stored and loaded whole",
  },
};

/**
 * The std functions that read or write shared std state; each runs under the std lock (one spin lock, held only for
 * the length of the call, which never suspends). Names as compiled.
 */
export const STD_LOCKED_FUNCTIONS = [
  "~lib/math/NativeMath.random",
  "~lib/math/NativeMath.seedRandom",
  "~lib/math/NativeMathf.random",
  "~lib/math/NativeMathf.seedRandom",
  "~lib/symbol/Symbol",
  "~lib/symbol/_Symbol.for",
  "~lib/symbol/_Symbol.keyFor",
];

/** Mutable globals the compiler itself adds: all per worker. */
export const COMPILER_GLOBALS: Record<string, string> = {
  "~argumentsLength": "how many optional arguments the caller passed; set right before a call, read at its entry",
  "~started": "whether this instance ran its start function",
  "~lib/memory/__stack_pointer": "the shadow stack pointer (JSPI build): each worker and thread has its own stack",
};

/** std's uninitialised `memory.data` blocks (static scratch memory), each made per worker by std-patches.ts. */
export const STD_SCRATCH_BUFFERS = ["~lib/util/number/dtoa_buf"];
