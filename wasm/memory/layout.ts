// Fixed addresses of everything the workers share.
//
// Every instance of the module (one per worker) sees the same linear memory but has its own Wasm globals, so
// any state that more than one worker reads or writes must live here, at an address all instances agree on.
// Static data starts at `memoryBase` (16384, set by the toolchain); everything below it is ours.
// Addresses 0..1023 stay unused so that a stray null dereference cannot hit runtime state.

// @ts-ignore: decorator
@inline export const HEADER: usize = 1024;

/** 0 = untouched, 1 = a worker is initialising, 2 = ready (data segments copied, header set). */
// @ts-ignore: decorator
@inline export const INIT_STATE: usize = HEADER + 0;
/** ABI version of this layout, for the host to check. */
// @ts-ignore: decorator
@inline export const ABI_VERSION: usize = HEADER + 4;

// --- heap (memory/heap.ts)
/** Next free byte of the bump region (a block start; its payload is 16-byte aligned). */
// @ts-ignore: decorator
@inline export const HEAP_TOP: usize = HEADER + 8;
/** Spin lock taken while the memory is grown, so two workers never grow it for the same need. */
// @ts-ignore: decorator
@inline export const GROW_LOCK: usize = HEADER + 12;
/** Bytes in blocks handed out by the shared path (large blocks, boot); workers count their own in WS_HEAP_IN_USE. */
// @ts-ignore: decorator
@inline export const HEAP_IN_USE: usize = HEADER + 16;
/** Where the bump region started. */
// @ts-ignore: decorator
@inline export const HEAP_START: usize = HEADER + 20;

// --- threads (scheduler/thread.ts)
/** Last thread id handed out. */
// @ts-ignore: decorator
@inline export const NEXT_THREAD_ID: usize = HEADER + 24;

// --- run queue (scheduler/runqueue.ts)
// @ts-ignore: decorator
@inline export const RUNQ_LOCK: usize = HEADER + 32;
// @ts-ignore: decorator
@inline export const RUNQ_HEAD: usize = HEADER + 36;
// @ts-ignore: decorator
@inline export const RUNQ_TAIL: usize = HEADER + 40;
/** Runnable threads in the queue; read without the lock by idle workers. */
// @ts-ignore: decorator
@inline export const RUNQ_LEN: usize = HEADER + 44;

// --- idle workers (host/workers: the JS side waits on WAKE_EPOCH)
/** Bumped when work arrives while a worker sleeps; idle workers `waitAsync` on it. */
// @ts-ignore: decorator
@inline export const WAKE_EPOCH: usize = HEADER + 48;
/** Workers currently going to sleep or asleep. */
// @ts-ignore: decorator
@inline export const SLEEPERS: usize = HEADER + 52;

// --- timers (scheduler/timers.ts)
// @ts-ignore: decorator
@inline export const TIMER_LOCK: usize = HEADER + 56;
/** Array of {deadline f64, thread usize, pad} entries forming a binary min-heap. */
// @ts-ignore: decorator
@inline export const TIMER_HEAP: usize = HEADER + 60;
// @ts-ignore: decorator
@inline export const TIMER_LEN: usize = HEADER + 64;
// @ts-ignore: decorator
@inline export const TIMER_CAP: usize = HEADER + 68;

// --- statistics (read by the host, never needed for correctness)
// @ts-ignore: decorator
@inline export const STAT_STACK_GROWTHS: usize = HEADER + 84;
/** Workers that have booted. */
// @ts-ignore: decorator
@inline export const WORKERS_BOOTED: usize = HEADER + 88;

// --- structured concurrency (groups/, scheduler/registry.ts, debug/)
/** Spin lock over the list of active groups (groups with live children), for dumps. */
// @ts-ignore: decorator
@inline export const GROUPS_LOCK: usize = HEADER + 100;
/** First active group (linked through the groups' own fields). */
// @ts-ignore: decorator
@inline export const GROUPS_HEAD: usize = HEADER + 104;
/** Spin lock over the list of live root threads. */
// @ts-ignore: decorator
@inline export const ROOTS_LOCK: usize = HEADER + 108;
/** First live root thread (linked through the threads' sibling links). */
// @ts-ignore: decorator
@inline export const ROOTS_HEAD: usize = HEADER + 112;
/** Last group id handed out. */
// @ts-ignore: decorator
@inline export const NEXT_GROUP_ID: usize = HEADER + 116;
/** Host calls in flight (a thread parked on one can be woken from outside, so it is no deadlock). */
// @ts-ignore: decorator
@inline export const HOST_CALLS_PENDING: usize = HEADER + 120;
/** The default group for background work (`spawnBackground`), created at boot; the host joins it at close. */
// @ts-ignore: decorator
@inline export const DEFAULT_GROUP: usize = HEADER + 124;
/** Set by the worker that declared a deadlock, so only one does. */
// @ts-ignore: decorator
@inline export const DEADLOCK_CLAIM: usize = 2560;

/** Times the memory has grown; a worker that sees it change refreshes its view of the memory (memory/view.ts). */
// @ts-ignore: decorator
@inline export const GROW_COUNT: usize = HEADER + 96;

// --- work-stealing run queues (scheduler/deque.ts, scheduler/runqueue.ts)
/** One more than the highest index of a worker whose deque is registered in DEQUES (thieves look below it). */
// @ts-ignore: decorator
@inline export const DEQUE_LIMIT: usize = HEADER + 92;

// --- allocator free lists (memory/heap.ts): one tagged Treiber stack head (u64) per size class
// @ts-ignore: decorator
@inline export const FREE_LISTS: usize = HEADER + 128;
// @ts-ignore: decorator
@inline export const SIZE_CLASSES: usize = 144;

/** Worker i's deque (a block of the heap) at DEQUES + 4 * i; 0 until that worker has booted. */
// @ts-ignore: decorator
@inline export const DEQUES: usize = FREE_LISTS + SIZE_CLASSES * 8;
/** Offsets in a deque of its head and tail indices (u32 each, together one u64 word); its ring follows at 64. */
// @ts-ignore: decorator
@inline export const DEQUE_HEAD: usize = 0;
// @ts-ignore: decorator
@inline export const DEQUE_TAIL: usize = 4;

/** First byte after the header; must stay below memoryBase. */
// @ts-ignore: decorator
@inline export const HEADER_END: usize = DEQUES + 64 * 4;

// --- per-worker counters: worker i owns the 64 bytes at WORKER_STATS + 64 * i and writes them without atomics
// (a cache line each, so counting never contends); the host sums them for statistics. Counters that another
// worker's work can decrease (heap in use, live threads) may go negative per worker; only their sum means something.
// @ts-ignore: decorator
@inline export const WORKER_STATS: usize = 4096;
// @ts-ignore: decorator
@inline export const MAX_WORKERS: u32 = 64;
// @ts-ignore: decorator
@inline export const WS_SWITCHES: usize = 0; // u64: threads run (a start or a resume)
// @ts-ignore: decorator
@inline export const WS_MIGRATIONS: usize = 8; // u64: resumes of a thread that last ran on another worker
// @ts-ignore: decorator
@inline export const WS_IDLE: usize = 16; // i32: 1 while the worker waits for work (written by the host side)
// @ts-ignore: decorator
@inline export const WS_HOST_CANCELS: usize = 20; // i32: host calls of this worker cancelled (any worker adds, atomically)
// @ts-ignore: decorator
@inline export const WS_HEAP_IN_USE: usize = 24; // i64: bytes allocated minus bytes freed by this worker
// @ts-ignore: decorator
@inline export const WS_SPAWNS: usize = 32; // u64: threads spawned by this worker
// @ts-ignore: decorator
@inline export const WS_LIVE: usize = 40; // i32: threads spawned minus threads finished by this worker
// @ts-ignore: decorator
@inline export const WS_STEALS: usize = 48; // u64: successful steals from other workers' run queues
// @ts-ignore: decorator
@inline export const WS_WAKEUPS: usize = 56; // u64: sleeping workers this worker woke

// @ts-ignore: decorator
@inline export const LAYOUT_ABI: u32 = 3;

/** Where static data starts: the toolchain passes this as asc's `--memoryBase`. */
// @ts-ignore: decorator
@inline export const MEMORY_BASE: usize = 16384;

// The header and the worker counters must fit below the static data.
// @ts-ignore: decorator
@inline const LAYOUT_FITS: bool = HEADER_END <= DEADLOCK_CLAIM && DEADLOCK_CLAIM < WORKER_STATS && WORKER_STATS + <usize>MAX_WORKERS * 64 <= MEMORY_BASE;
// @ts-ignore
if (!LAYOUT_FITS) ERROR("vthreads: the runtime header does not fit below MEMORY_BASE");
