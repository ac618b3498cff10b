// The host's view of the shared header. Mirrors wasm/memory/layout.ts (addresses in bytes); test/toolchain/layout.test.ts
// checks that the two agree.

export const HEADER = 1024;
export const INIT_STATE = HEADER + 0;
export const ABI_VERSION = HEADER + 4;
export const HEAP_TOP = HEADER + 8;
export const HEAP_IN_USE = HEADER + 16;
export const HEAP_START = HEADER + 20;
export const NEXT_THREAD_ID = HEADER + 24;
export const RUNQ_LEN = HEADER + 44;
export const WAKE_EPOCH = HEADER + 48;
export const SLEEPERS = HEADER + 52;
export const TIMER_LEN = HEADER + 64;
/** i32: workers inside a pinned wait; no collection starts while it is non-zero. */
export const PINNED_WORKERS = HEADER + 72;
export const JSPI_STACKS = HEADER + 76;
export const JSPI_STACK_LIMIT = HEADER + 80;
export const STAT_STACK_GROWTHS = HEADER + 84;
export const WORKERS_BOOTED = HEADER + 88;
export const DEQUE_LIMIT = HEADER + 92;
export const GROW_COUNT = HEADER + 96;
export const GROUPS_LOCK = HEADER + 100;
export const GROUPS_HEAD = HEADER + 104;
export const ROOTS_LOCK = HEADER + 108;
export const ROOTS_HEAD = HEADER + 112;
export const NEXT_GROUP_ID = HEADER + 116;
export const HOST_CALLS_PENDING = HEADER + 120;
export const DEFAULT_GROUP = HEADER + 124;
export const DEADLOCK_CLAIM = 2560;
/** Whether the guest's top-level code has run (PROGRAM_* values, wasm/memory/layout.ts). */
export const PROGRAM_STATE = 2564;
export const PROGRAM_READY = 2;
export const PROGRAM_FAILED = 3;
export const DEQUES = HEADER + 128 + 144 * 8;
export const DEQUE_HEAD = 0;
export const DEQUE_TAIL = 4;
/** The collector's words (wasm/memory/layout.ts, 3072..3583). */
export const GC_STATE = 3072;
export const GC_COUNT = 3076;
export const GC_ALLOCATED = 3096;
export const GC_TRIGGER = 3100;
export const GC_LIVE_BYTES = 3104;
export const GC_LIVE_OBJECTS = 3108;
export const GC_FREED_BYTES = 3112;
export const GC_PAUSE_TOTAL_MS = 3120;
export const GC_PAUSE_MAX_MS = 3128;
export const GC_PAUSE_LAST_MS = 3136;
export const GC_PIN_COUNT = 3152;
export const GC_DISABLED = 3168;
export const GC_SKIPPED = 3172;
export const GC_SAFEPOINT_MAX_MS = 3176;
export const GC_PAGES_USED = 3184;
export const GC_PAGES_FREE = 3188;
export const GC_LIVE_MANAGED_BYTES = 3192;
export const GC_HELPERS_TOTAL = 3268;
export const WORKER_STATS = 4096;
export const WORKER_STATS_STRIDE = 64;
export const WS_SWITCHES = 0;
export const WS_MIGRATIONS = 8;
/** i32: 1 while the worker waits for work; the main thread sends new calls to an idle worker first. */
export const WS_IDLE = 16;
/** i32: host calls started by this worker whose thread was cancelled (wasm io/call.ts adds; the worker aborts them). */
export const WS_HOST_CANCELS = 20;
export const WS_HEAP_IN_USE = 24;
export const WS_SPAWNS = 32;
export const WS_LIVE = 40;
/** u32: pinned waits this worker has done (a thread with a JS frame on its stack blocked; wasm scheduler/pin.ts). */
export const WS_PINS = 44;
export const WS_STEALS = 48;
export const WS_WAKEUPS = 56;
export const LAYOUT_ABI = 5;
export const MAX_WORKERS = 64;

/** Frame layout of a root call (docs/abi.md). */
export const FRAME_CALL_ID = 0;
export const FRAME_STATUS = 4;
export const FRAME_EXPORT_INDEX = 8;
export const FRAME_SLOTS = 16;
export const SLOT_SIZE = 8;

export const STATUS_OK = 1;
export const STATUS_FAILED = 2;
export const STATUS_CANCELLED = 3;
