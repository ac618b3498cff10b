// The host's view of shared memory: a mirror of wasm/memory/layout.ts, which defines and explains every value.
// Each constant there has one here, with the same name and value, and nothing else is here: test/toolchain/layout.test.ts
// checks both ways. Code reads shared memory through SharedState (shared-state.ts) or a record's own view, with these names.

export const HEADER = 1024;
export const INIT_STATE = HEADER + 0;
export const ABI_VERSION = HEADER + 4;

// --- heap (memory/heap.ts)
export const HEAP_TOP = HEADER + 8;
export const GROW_LOCK = HEADER + 12;
export const HEAP_IN_USE = HEADER + 16;
export const HEAP_START = HEADER + 20;

// --- threads (scheduler/thread.ts)
export const NEXT_THREAD_ID = HEADER + 24;

// --- run queue (scheduler/runqueue.ts)
export const RUNQ_LOCK = HEADER + 32;
export const RUNQ_HEAD = HEADER + 36;
export const RUNQ_TAIL = HEADER + 40;
export const RUNQ_LEN = HEADER + 44;

// --- idle workers (host/workers: the JS side waits on WAKE_EPOCH)
export const WAKE_EPOCH = HEADER + 48;
export const SLEEPERS = HEADER + 52;

// --- timers (scheduler/timers.ts)
export const TIMER_LOCK = HEADER + 56;
export const TIMER_HEAP = HEADER + 60;
export const TIMER_LEN = HEADER + 64;
export const TIMER_CAP = HEADER + 68;

// --- the JSPI backend's stack count (host/workers/jspi-loop.ts)
export const JSPI_STACKS = HEADER + 76;
export const JSPI_STACK_LIMIT = HEADER + 80;

// --- statistics (read by the host, never needed for correctness)
export const PINNED_WORKERS = HEADER + 72;
export const STAT_STACK_GROWTHS = HEADER + 84;
export const WORKERS_BOOTED = HEADER + 88;

// --- structured concurrency (groups/, scheduler/registry.ts, debug/)
export const GROUPS_LOCK = HEADER + 100;
export const GROUPS_HEAD = HEADER + 104;
export const ROOTS_LOCK = HEADER + 108;
export const ROOTS_HEAD = HEADER + 112;
export const NEXT_GROUP_ID = HEADER + 116;
export const HOST_CALLS_PENDING = HEADER + 120;
export const DEFAULT_GROUP = HEADER + 124;
export const DEADLOCK_CLAIM = 2560;

// --- the program (host/exports.ts): top-level code runs once per runtime; the std lock
export const PROGRAM_STATE = 2564;
export const STD_LOCK = 2568;
export const PROGRAM_NOT_STARTED = 0;
export const PROGRAM_RUNNING = 1;
export const PROGRAM_READY = 2;
export const PROGRAM_FAILED = 3;
export const GROW_COUNT = HEADER + 96;

// --- work-stealing run queues (scheduler/deque.ts, scheduler/runqueue.ts)
export const DEQUE_LIMIT = HEADER + 92;

// --- allocator free lists (memory/heap.ts), the deques
export const FREE_LISTS = HEADER + 128;
export const SIZE_CLASSES = 144;
export const DEQUES = FREE_LISTS + SIZE_CLASSES * 8;
export const DEQUE_HEAD = 0;
export const DEQUE_TAIL = 64;
export const HEADER_END = DEQUES + 64 * 4;

// --- per-worker counters: worker i's at WORKER_STATS + WORKER_STATS_STRIDE * i; WS_IDLE's values
export const WORKER_STATS = 4096;
export const WORKER_STATS_STRIDE = 64;
export const MAX_WORKERS = 64;
export const WS_SWITCHES = 0;
export const WS_MIGRATIONS = 8;
export const WS_IDLE = 16;
export const WS_HOST_CANCELS = 20;
export const WS_HEAP_IN_USE = 24;
export const WS_SPAWNS = 32;
export const WS_LIVE = 40;
export const WS_PINS = 44;
export const WS_STEALS = 48;
export const WS_WAKEUPS = 56;
export const IDLE_NO = 0;
export const IDLE_WAITING = 1;
export const IDLE_PINNED = 2;

// --- the collector (memory/heap.ts, memory/gc.ts): addresses 3072..3583 belong to it
export const GC_STATE = 3072;
export const GC_IDLE = 0;
export const GC_REQUESTED = 1;
export const GC_COLLECTING = 2;
export const GC_COUNT = 3076;
export const GC_PAGE_LOCK = 3080;
export const GC_FREE_SPANS = 3084;
export const GC_PAGE_TABLE = 3088;
export const GC_WORKER_RECORDS = 3092;
export const GC_ALLOCATED = 3096;
export const GC_TRIGGER = 3100;
export const GC_LIVE_BYTES = 3104;
export const GC_LIVE_OBJECTS = 3108;
export const GC_FREED_BYTES = 3112;
export const GC_PAUSE_TOTAL_MS = 3120;
export const GC_PAUSE_MAX_MS = 3128;
export const GC_PAUSE_LAST_MS = 3136;
export const GC_PIN_LOCK = 3144;
export const GC_PIN_TABLE = 3148;
export const GC_PIN_COUNT = 3152;
export const GC_MARK_STACK = 3156;
export const GC_MARK_CAP = 3160;
export const GC_STATIC_END = 3164;
export const GC_DISABLED = 3168;
export const GC_SKIPPED = 3172;
export const GC_SAFEPOINT_MAX_MS = 3176;
export const GC_PAGES_USED = 3184;
export const GC_PAGES_FREE = 3188;
export const PAGE_SIZE = 1 << 16;
export const GC_LIVE_MANAGED_BYTES = 3192;
export const GC_MARKING = 3196;
export const GC_MARK_TOP = 3200;
export const GC_MARK_OVERFLOW = 3204;
export const GC_CYCLE_MAX_MS = 3208;
export const GC_CYCLE_RUNNING_MAX_MS = 3216;
export const GC_CYCLE_PAUSES = 3224;
export const GC_CYCLE_RUNNING_PAUSES = 3228;
export const GC_SWEEPING = 3232;
export const GC_SWEEP_CURSOR = 3236;
export const GC_SWEEP_END = 3240;
export const GC_SWEEP_LIVE_OBJECTS = 3244;
export const GC_SWEEP_LIVE_MANAGED = 3248;
export const GC_SWEEP_RAW_BYTES = 3252;
export const GC_SWEEP_FREED = 3256;
export const GC_ROOT_SCAN_MS = 3264;
export const GC_JOB = 3272;
export const GC_JOB_LOCK = 3276;
export const GC_JOB_WORKERS = 3280;
export const GC_JOB_IDLE = 3284;
export const GC_JOB_DONE = 3288;
export const GC_JOB_INSIDE = 3292;
export const GC_JOB_CURSOR = 3296;
export const GC_JOB_END = 3300;
export const GC_JOB_DEADLINE = 3304;
export const GC_POOL = 3312;
export const GC_POOL_TOP = 3316;
export const GC_POOL_CAP = 3320;
export const GC_CYCLE_WORKERS = 3324;
export const GC_END = 3584;

// --- pinned waits (driver/pin.ts)
export const PIN_WAITS = GC_END;
export const PIN_WAITS_END = PIN_WAITS + MAX_WORKERS * 4;

export const LAYOUT_ABI = 7;

// --- a root call's frame (wasm/driver/roots.ts; the host's worker core writes it, the generated entry reads it; docs/abi.md)
export const FRAME_CALL_ID = 0;
export const FRAME_STATUS = 4;
export const FRAME_EXPORT_INDEX = 8;
export const FRAME_FAILURE = 12;
export const FRAME_THREAD = 16;
export const FRAME_SLOTS = 24;
export const SLOT_SIZE = 8;
export const STATUS_OK = 1;
export const STATUS_FAILED = 2;
export const STATUS_CANCELLED = 3;

// --- a host-call record (io/record.ts draws it; host/workers/host-calls.ts is the JS side)
export const R_LOCK = 0;
export const R_QUEUE = 4;
export const R_STATE = 12;
export const R_REFS = 16;
export const R_NAME = 20;
export const R_OWNER = 24;
export const R_ARGC = 28;
export const R_SINCE = 32;
export const R_RES_TAG = 40;
export const R_RES_BITS = 48;
export const R_ARGS = 56;
export const VALUE_SIZE = 16;
export const VALUE_TAG = 0;
export const VALUE_BITS = 8;
export const BYTES_DATA = 4;
export const LIST_ENTRIES = 8;
export const RS_PENDING = 0;
export const RS_OK = 1;
export const RS_FAILED = 2;
export const RS_CANCELLED = 3;
export const TAG_VOID = 0;
export const TAG_I32 = 1;
export const TAG_F64 = 2;
export const TAG_I64 = 3;
export const TAG_BOOL = 4;
export const TAG_STR = 5;
export const TAG_BYTES = 6;
export const TAG_LIST = 7;
export const TAG_ERROR = 8;

// --- a managed object's header (memory/rt.ts)
export const OBJECT_OVERHEAD = 8;
export const OBJECT_RT_ID = 0;
export const OBJECT_RT_SIZE = 4;
export const OBJECT_RT_SIZE_BACK = OBJECT_OVERHEAD - OBJECT_RT_SIZE;

// --- AssemblyScript std objects the host makes or reads (the compiler checks them against std)
export const VIEW_BUFFER = 0;
export const VIEW_DATA_START = 4;
export const VIEW_BYTE_LENGTH = 8;
export const ARRAY_LENGTH = 12;
export const TYPED_ARRAY_SIZE = 12;
export const ARRAY_SIZE = 16;

// --- ThreadGroup (groups/group.ts) and the dump block (debug/)
export const GROUP_LIVE = 4;
export const DUMP_TEXT = 8;

// --- the scheduler's slices, deadlock confirmation, JSPI stacks
export const RUN_IDLE = 0;
export const RUN_BUSY = 1;
export const DEADLOCK_CONFIRM_MS = 25;
export const REASON_YIELD = 1;
export const REASON_PARK = 2;
export const REASON_EXIT = 3;
export const REASON_COLLECT = 4;
export const WAKE_NONE = 0;
export const WAKE_GRANTED = 1;
export const WAKE_CANCELLED = 2;
export const WAKE_CLOSED = 3;
export const STACK_ENDS = 0;
export const STACK_TRIMMED = 1;
export const SHADOW_RESUMER = 4;

export const MEMORY_BASE = 16384;
