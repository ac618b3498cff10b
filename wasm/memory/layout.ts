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
/** End of the pages taken from the memory so far (64 KiB aligned); the heap's pages lie between HEAP_START and it. */
// @ts-ignore: decorator
@inline export const HEAP_TOP: usize = HEADER + 8;
/** Spin lock taken while the memory is grown, so two workers never grow it for the same need. */
// @ts-ignore: decorator
@inline export const GROW_LOCK: usize = HEADER + 12;
/** Bytes in blocks handed out outside the workers' caches (large blocks, boot); workers count their own in WS_HEAP_IN_USE. */
// @ts-ignore: decorator
@inline export const HEAP_IN_USE: usize = HEADER + 16;
/** First page of the heap (64 KiB aligned, after the page table and the collector's worker records). */
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

// --- the JSPI backend (host/workers/jspi-loop.ts): an engine stack per started thread, and a process holds only
// tens of thousands of them before it dies (not a catchable error), so the host keeps count and refuses beyond a limit
/** Live JSPI stacks of this runtime (i32, changed by every worker's loop). */
// @ts-ignore: decorator
@inline export const JSPI_STACKS: usize = HEADER + 76;
/** The most JSPI stacks this runtime may hold (i32, set by Runtime.start before the workers boot). */
// @ts-ignore: decorator
@inline export const JSPI_STACK_LIMIT: usize = HEADER + 80;

// --- statistics (read by the host, never needed for correctness)
/** Workers inside a pinned wait (driver/pin.ts): no collection starts while it is non-zero. */
// @ts-ignore: decorator
@inline export const PINNED_WORKERS: usize = HEADER + 72;
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

// --- the program (host/exports.ts): top-level code runs once per runtime; std's shared state has one lock
/** PROGRAM_* below: whether the guest's top-level code has run. */
// @ts-ignore: decorator
@inline export const PROGRAM_STATE: usize = 2564;
/** The std lock (host/exports.ts `__vt_std_lock`): 0 = free, else 1 + the index of the worker that holds it. */
// @ts-ignore: decorator
@inline export const STD_LOCK: usize = 2568;
/** PROGRAM_STATE: nobody has started the top-level code yet. */
// @ts-ignore: decorator
@inline export const PROGRAM_NOT_STARTED: i32 = 0;
/** PROGRAM_STATE: a worker is running it; the others wait. */
// @ts-ignore: decorator
@inline export const PROGRAM_RUNNING: i32 = 1;
/** PROGRAM_STATE: it has run; every worker may take calls. */
// @ts-ignore: decorator
@inline export const PROGRAM_READY: i32 = 2;
/** PROGRAM_STATE: it failed (trapped or aborted); the runtime cannot start. */
// @ts-ignore: decorator
@inline export const PROGRAM_FAILED: i32 = 3;

/** Times the memory has grown; a worker that sees it change refreshes its view of the memory (memory/view.ts). */
// @ts-ignore: decorator
@inline export const GROW_COUNT: usize = HEADER + 96;

// --- work-stealing run queues (scheduler/deque.ts, scheduler/runqueue.ts)
/** One more than the highest index of a worker whose deque is registered in DEQUES (thieves look below it). */
// @ts-ignore: decorator
@inline export const DEQUE_LIMIT: usize = HEADER + 92;

// --- allocator free lists (memory/heap.ts): one tagged Treiber stack head (u64) per size class; the heap uses
// 2 x 52 of them (raw and managed small classes)
// @ts-ignore: decorator
@inline export const FREE_LISTS: usize = HEADER + 128;
// @ts-ignore: decorator
@inline export const SIZE_CLASSES: usize = 144;

/** Worker i's deque (a block of the heap) at DEQUES + 4 * i; 0 until that worker has booted. */
// @ts-ignore: decorator
@inline export const DEQUES: usize = FREE_LISTS + SIZE_CLASSES * 8;
/** Offset in a deque (scheduler/deque.ts) of its head: the index (u32) of its front entry, written by its owner. */
// @ts-ignore: decorator
@inline export const DEQUE_HEAD: usize = 0;
/** Offset in a deque of its tail: the index (u32) one past its back entry, on a cache line of its own. */
// @ts-ignore: decorator
@inline export const DEQUE_TAIL: usize = 64;

/** First byte after the header; must stay below memoryBase. */
// @ts-ignore: decorator
@inline export const HEADER_END: usize = DEQUES + 64 * 4;

// --- per-worker counters: worker i owns the 64 bytes at WORKER_STATS + 64 * i and writes them without atomics
// (a cache line each, so counting never contends); the host sums them for statistics. Counters that another
// worker's work can decrease (heap in use, live threads) may go negative per worker; only their sum means something.
// @ts-ignore: decorator
@inline export const WORKER_STATS: usize = 4096;
/** Bytes of each worker's counters: worker i's start at WORKER_STATS + WORKER_STATS_STRIDE * i. */
// @ts-ignore: decorator
@inline export const WORKER_STATS_STRIDE: usize = 64;
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
@inline export const WS_PINS: usize = 44; // u32: pinned waits this worker has done (driver/pin.ts)
// @ts-ignore: decorator
@inline export const WS_STEALS: usize = 48; // u64: successful steals from other workers' run queues
// @ts-ignore: decorator
@inline export const WS_WAKEUPS: usize = 56; // u64: sleeping workers this worker woke
/** WS_IDLE values: running or between slices; waiting for work (the host sets it: new calls go there first); an
 * idle pinned worker asleep (driver/pin.ts; the deadlock checks count it as idle). */
// @ts-ignore: decorator
@inline export const IDLE_NO: i32 = 0;
// @ts-ignore: decorator
@inline export const IDLE_WAITING: i32 = 1;
// @ts-ignore: decorator
@inline export const IDLE_PINNED: i32 = 2;

// --- the collector (memory/heap.ts, memory/gc.ts): addresses 3072..3583 belong to it
/** GC_IDLE, GC_REQUESTED (workers stop at their next scheduling point) or GC_COLLECTING. */
// @ts-ignore: decorator
@inline export const GC_STATE: usize = 3072;
// GC_STATE values (memory/gc.ts; the host requests a collection in Runtime.collect).
// @ts-ignore: decorator
@inline export const GC_IDLE: u32 = 0;
// @ts-ignore: decorator
@inline export const GC_REQUESTED: u32 = 1;
// @ts-ignore: decorator
@inline export const GC_COLLECTING: u32 = 2;
/** Collections completed (the host waits on it in Runtime.collect). */
// @ts-ignore: decorator
@inline export const GC_COUNT: usize = 3076;
/** Spin lock over the page-level structures: free page spans, the bump region's page growth. */
// @ts-ignore: decorator
@inline export const GC_PAGE_LOCK: usize = 3080;
/** First free page span (its page address), 0 when none; a doubly linked list through the free pages. */
// @ts-ignore: decorator
@inline export const GC_FREE_SPANS: usize = 3084;
/** Address of the page table: one u32 descriptor per 64 KiB page of the 4 GiB address space. */
// @ts-ignore: decorator
@inline export const GC_PAGE_TABLE: usize = 3088;
/** Address of the per-worker collector records (16 bytes each: mutator state, cache, globals block, flags). */
// @ts-ignore: decorator
@inline export const GC_WORKER_RECORDS: usize = 3092;
/** Bytes allocated since the last collection (counted in chunks by each worker). */
// @ts-ignore: decorator
@inline export const GC_ALLOCATED: usize = 3096;
/** GC_ALLOCATED at which a collection is requested. */
// @ts-ignore: decorator
@inline export const GC_TRIGGER: usize = 3100;
/** Bytes in use on the heap after the last collection (raw and managed). */
// @ts-ignore: decorator
@inline export const GC_LIVE_BYTES: usize = 3104;
/** Managed objects that survived the last collection. */
// @ts-ignore: decorator
@inline export const GC_LIVE_OBJECTS: usize = 3108;
/** u64: bytes the collector has freed, ever (the host subtracts them from the workers' in-use counters). */
// @ts-ignore: decorator
@inline export const GC_FREED_BYTES: usize = 3112;
/** f64 milliseconds: total, longest and last stop-the-world pause (all workers stopped until released). */
// @ts-ignore: decorator
@inline export const GC_PAUSE_TOTAL_MS: usize = 3120;
// @ts-ignore: decorator
@inline export const GC_PAUSE_MAX_MS: usize = 3128;
// @ts-ignore: decorator
@inline export const GC_PAUSE_LAST_MS: usize = 3136;
/** Spin lock, block and entry count of the pin table (host-held references; memory/pins.ts). */
// @ts-ignore: decorator
@inline export const GC_PIN_LOCK: usize = 3144;
// @ts-ignore: decorator
@inline export const GC_PIN_TABLE: usize = 3148;
// @ts-ignore: decorator
@inline export const GC_PIN_COUNT: usize = 3152;
/** The collector's mark stack (a raw block excluded from root scanning) and its capacity in entries. */
// @ts-ignore: decorator
@inline export const GC_MARK_STACK: usize = 3156;
// @ts-ignore: decorator
@inline export const GC_MARK_CAP: usize = 3160;
/** End of the static data (__heap_base): the region MEMORY_BASE..GC_STATIC_END is scanned conservatively. */
// @ts-ignore: decorator
@inline export const GC_STATIC_END: usize = 3164;
/** 1 = never collect (set by the host before the workers boot: Runtime.start's `gc: false`). */
// @ts-ignore: decorator
@inline export const GC_DISABLED: usize = 3168;
/** Collections abandoned because a worker could not publish its globals (out of memory). */
// @ts-ignore: decorator
@inline export const GC_SKIPPED: usize = 3172;
/** f64 milliseconds: longest wait of a collector for every worker to reach the safepoint. */
// @ts-ignore: decorator
@inline export const GC_SAFEPOINT_MAX_MS: usize = 3176;
/** Pages of the heap handed out (small or large) and pages on the free span list. */
// @ts-ignore: decorator
@inline export const GC_PAGES_USED: usize = 3184;
// @ts-ignore: decorator
@inline export const GC_PAGES_FREE: usize = 3188;
/** Bytes of a heap page (memory/heap.ts; the Wasm page size): GC_PAGES_USED and GC_PAGES_FREE count them. */
// @ts-ignore: decorator
@inline export const PAGE_SIZE: usize = 1 << 16;
/** Bytes of the heap after the last collection that are managed (live guest objects). */
// @ts-ignore: decorator
@inline export const GC_LIVE_MANAGED_BYTES: usize = 3192;
/** 1 from the first pause of a collection until marking ends: mutators shade what they store, allocate marked objects. */
// @ts-ignore: decorator
@inline export const GC_MARKING: usize = 3196;
/** Entries on the mark stack between two pauses of a collection. */
// @ts-ignore: decorator
@inline export const GC_MARK_TOP: usize = 3200;
/** 1 = the mark stack or a worker's grey log ran out of memory: the last pause traces every marked object again. */
// @ts-ignore: decorator
@inline export const GC_MARK_OVERFLOW: usize = 3204;
/** f64 milliseconds: the longest pause of the last complete collection, and of the one under way. */
// @ts-ignore: decorator
@inline export const GC_CYCLE_MAX_MS: usize = 3208;
// @ts-ignore: decorator
@inline export const GC_CYCLE_RUNNING_MAX_MS: usize = 3216;
/** Pauses of the last complete collection, and of the one under way. */
// @ts-ignore: decorator
@inline export const GC_CYCLE_PAUSES: usize = 3224;
// @ts-ignore: decorator
@inline export const GC_CYCLE_RUNNING_PAUSES: usize = 3228;
/** 1 from the pause that ends marking until the sweep has visited every page (in steps, one per pause). */
// @ts-ignore: decorator
@inline export const GC_SWEEPING: usize = 3232;
/** The next page the sweep visits, and where it stops (the heap's top when marking ended). */
// @ts-ignore: decorator
@inline export const GC_SWEEP_CURSOR: usize = 3236;
// @ts-ignore: decorator
@inline export const GC_SWEEP_END: usize = 3240;
/** What the sweep has counted so far: live objects, their bytes, the raw bytes in use, bytes freed (u64). */
// @ts-ignore: decorator
@inline export const GC_SWEEP_LIVE_OBJECTS: usize = 3244;
// @ts-ignore: decorator
@inline export const GC_SWEEP_LIVE_MANAGED: usize = 3248;
// @ts-ignore: decorator
@inline export const GC_SWEEP_RAW_BYTES: usize = 3252;
// @ts-ignore: decorator
@inline export const GC_SWEEP_FREED: usize = 3256;
/** f64 milliseconds: how long the last scan of the roots took (the static data and every raw block). */
// @ts-ignore: decorator
@inline export const GC_ROOT_SCAN_MS: usize = 3264;
/**
 * Work the collector shares with the workers stopped at its safepoint (memory/gc.ts, "Marking together"): the job
 * posted ((serial << 2) | kind: none, mark, sweep), a lock, the workers that joined it, how many of them found no
 * work, 1 once it is over, the helpers still inside it, the next raw page to scan for roots and the end of the scan,
 * and (f64) when a shared sweep stops.
 */
// @ts-ignore: decorator
@inline export const GC_JOB: usize = 3272;
// @ts-ignore: decorator
@inline export const GC_JOB_LOCK: usize = 3276;
// @ts-ignore: decorator
@inline export const GC_JOB_WORKERS: usize = 3280;
// @ts-ignore: decorator
@inline export const GC_JOB_IDLE: usize = 3284;
// @ts-ignore: decorator
@inline export const GC_JOB_DONE: usize = 3288;
// @ts-ignore: decorator
@inline export const GC_JOB_INSIDE: usize = 3292;
// @ts-ignore: decorator
@inline export const GC_JOB_CURSOR: usize = 3296;
// @ts-ignore: decorator
@inline export const GC_JOB_END: usize = 3300;
// @ts-ignore: decorator
@inline export const GC_JOB_DEADLINE: usize = 3304;
/**
 * The shared mark pool (memory/markstack.ts): a raw NO_SCAN block of mark stack entries that a marking worker hands
 * to idle ones, the entries in it, and its capacity.
 */
// @ts-ignore: decorator
@inline export const GC_POOL: usize = 3312;
// @ts-ignore: decorator
@inline export const GC_POOL_TOP: usize = 3316;
// @ts-ignore: decorator
@inline export const GC_POOL_CAP: usize = 3320;
/** Workers that marked together in the pause that ended the last collection's marking. */
// @ts-ignore: decorator
@inline export const GC_CYCLE_WORKERS: usize = 3324;
// @ts-ignore: decorator
@inline export const GC_END: usize = 3584;

// --- pinned waits (driver/pin.ts)
/**
 * Worker i's innermost pinned wait: the thread it waits for (a usize at PIN_WAITS + 4 * i), 0 when
 * the worker is not pinned. The deadlock checks read it, for a woken pinned thread is in no run queue.
 */
// @ts-ignore: decorator
@inline export const PIN_WAITS: usize = GC_END;
// @ts-ignore: decorator
@inline export const PIN_WAITS_END: usize = PIN_WAITS + <usize>MAX_WORKERS * 4;

// @ts-ignore: decorator
@inline export const LAYOUT_ABI: u32 = 7;

// ---------------------------------------------------------------------------------------------------------------
// Records in the heap that the host reads or writes: their field offsets and the values of their state words.
// The host mirrors each one (host/abi/layout.ts, checked by test/toolchain/layout.test.ts).

// --- a root call's frame (driver/roots.ts; the host's worker core writes it, the generated entry reads it; docs/abi.md)
// @ts-ignore: decorator
@inline export const FRAME_CALL_ID: usize = 0; // u32: the host's call id
// @ts-ignore: decorator
@inline export const FRAME_STATUS: usize = 4; // u32: STATUS_* once the root thread has ended
// @ts-ignore: decorator
@inline export const FRAME_EXPORT_INDEX: usize = 8; // u32: the export's index in the manifest
// @ts-ignore: decorator
@inline export const FRAME_FAILURE: usize = 12; // usize: a failed root's message (the runtime writes it, root_done passes it on)
// @ts-ignore: decorator
@inline export const FRAME_THREAD: usize = 16; // u32: the root thread's id (the runtime writes it; scheduler/thread.ts)
/** The argument slots, SLOT_SIZE bytes each, then one for the result (8-aligned). */
// @ts-ignore: decorator
@inline export const FRAME_SLOTS: usize = 24;
// @ts-ignore: decorator
@inline export const SLOT_SIZE: usize = 8;
// FRAME_STATUS values (0 while the root runs).
// @ts-ignore: decorator
@inline export const STATUS_OK: u32 = 1;
// @ts-ignore: decorator
@inline export const STATUS_FAILED: u32 = 2;
// @ts-ignore: decorator
@inline export const STATUS_CANCELLED: u32 = 3;

// --- a host-call record (io/record.ts draws it; host/workers/host-calls.ts is the JS side)
// @ts-ignore: decorator
@inline export const R_LOCK: usize = 0;
// @ts-ignore: decorator
@inline export const R_QUEUE: usize = 4;
// @ts-ignore: decorator
@inline export const R_STATE: usize = 12;
// @ts-ignore: decorator
@inline export const R_REFS: usize = 16;
// @ts-ignore: decorator
@inline export const R_NAME: usize = 20;
// @ts-ignore: decorator
@inline export const R_OWNER: usize = 24;
// @ts-ignore: decorator
@inline export const R_ARGC: usize = 28;
// @ts-ignore: decorator
@inline export const R_SINCE: usize = 32;
// @ts-ignore: decorator
@inline export const R_RES_TAG: usize = 40;
// @ts-ignore: decorator
@inline export const R_RES_BITS: usize = 48;
// @ts-ignore: decorator
@inline export const R_ARGS: usize = 56;
/** A value (an argument, the result, a list entry): {tag i32 at VALUE_TAG, pad, bits u64 at VALUE_BITS}. */
// @ts-ignore: decorator
@inline export const VALUE_SIZE: usize = 16;
// @ts-ignore: decorator
@inline export const VALUE_TAG: usize = 0;
// @ts-ignore: decorator
@inline export const VALUE_BITS: usize = 8;
/** A bytes value's raw block: {u32 length at 0, the bytes at BYTES_DATA}. */
// @ts-ignore: decorator
@inline export const BYTES_DATA: usize = 4;
/** A list value's raw block: {u32 count at 0, pad, the entries (VALUE_SIZE each) at LIST_ENTRIES}. */
// @ts-ignore: decorator
@inline export const LIST_ENTRIES: usize = 8;
// R_STATE values.
/** The JS function has not settled yet. */
// @ts-ignore: decorator
@inline export const RS_PENDING: i32 = 0;
/** It returned or resolved: the result is in resTag/resBits. */
// @ts-ignore: decorator
@inline export const RS_OK: i32 = 1;
/** It threw or rejected: resBits is the message (a String). */
// @ts-ignore: decorator
@inline export const RS_FAILED: i32 = 2;
/** The calling thread was cancelled first: the JS side aborts the call and drops whatever it settles with. */
// @ts-ignore: decorator
@inline export const RS_CANCELLED: i32 = 3;
// Value tags.
// @ts-ignore: decorator
@inline export const TAG_VOID: i32 = 0;
// @ts-ignore: decorator
@inline export const TAG_I32: i32 = 1;
// @ts-ignore: decorator
@inline export const TAG_F64: i32 = 2;
// @ts-ignore: decorator
@inline export const TAG_I64: i32 = 3;
// @ts-ignore: decorator
@inline export const TAG_BOOL: i32 = 4;
// @ts-ignore: decorator
@inline export const TAG_STR: i32 = 5;
// @ts-ignore: decorator
@inline export const TAG_BYTES: i32 = 6;
// @ts-ignore: decorator
@inline export const TAG_LIST: i32 = 7;
/** Guest side only: what `tryCallHost` returns for a rejection (the message String). */
// @ts-ignore: decorator
@inline export const TAG_ERROR: i32 = 8;

// --- a managed object (memory/rt.ts): OBJECT_OVERHEAD header bytes {rtId, rtSize}, then the payload, whose address
// is the object's; the host reads a String's byte length at payload - OBJECT_RT_SIZE_BACK. Compiled code and std
// read only these two words (at the object's address - 8 and - 4). AssemblyScript's own header also has gcInfo and
// gcInfo2 before them, for its collectors' colours and lists; this heap keeps the mark bit in its block header
// (memory/heap.ts), so they would be 8 dead bytes in every object.
// @ts-ignore: decorator
@inline export const OBJECT_OVERHEAD: usize = 8;
// @ts-ignore: decorator
@inline export const OBJECT_RT_ID: usize = 0; // u32 class id, from the header's start
// @ts-ignore: decorator
@inline export const OBJECT_RT_SIZE: usize = 4; // u32 payload bytes, from the header's start
// @ts-ignore: decorator
@inline export const OBJECT_RT_SIZE_BACK: usize = OBJECT_OVERHEAD - OBJECT_RT_SIZE;

// --- AssemblyScript std objects the host makes or reads (bindings/marshal.ts, host-calls.ts): checked below
// ArrayBufferView (typed arrays) and Array<T>: {buffer, dataStart, byteLength[, length]}
// @ts-ignore: decorator
@inline export const VIEW_BUFFER: usize = 0;
// @ts-ignore: decorator
@inline export const VIEW_DATA_START: usize = 4;
// @ts-ignore: decorator
@inline export const VIEW_BYTE_LENGTH: usize = 8;
// @ts-ignore: decorator
@inline export const ARRAY_LENGTH: usize = 12;
/** Payload bytes of a typed array and of an Array<T>. */
// @ts-ignore: decorator
@inline export const TYPED_ARRAY_SIZE: usize = 12;
// @ts-ignore: decorator
@inline export const ARRAY_SIZE: usize = 16;

// --- ThreadGroup (groups/group.ts) and the dump block (debug/)
/** Offset in a ThreadGroup of `live` (i32): the host waits on the default group's at close (checked in group.ts). */
// @ts-ignore: decorator
@inline export const GROUP_LIVE: usize = 4;
/** A dump's raw block (debug/json.ts): {u32 length at 0, u32 capacity, the UTF-8 JSON at DUMP_TEXT}. */
// @ts-ignore: decorator
@inline export const DUMP_TEXT: usize = 8;

// --- the scheduler: what its host loop and its cycle-prone files share (wasm/scheduler/ still has copies of these,
// checked equal by test/toolchain/layout.test.ts until its files import them from here)
// What a slice returns (`__vt_run`, and the JSPI loop's slices): nothing runnable here, or time is up.
// @ts-ignore: decorator
@inline export const RUN_IDLE: i32 = 0;
// @ts-ignore: decorator
@inline export const RUN_BUSY: i32 = 1;
/** An idle worker confirms a suspected deadlock when nothing has run anywhere for this long (debug/deadlock.ts). */
// @ts-ignore: decorator
@inline export const DEADLOCK_CONFIRM_MS: i32 = 25;
// Why a thread suspends (`__vt_suspend(reason)`, scheduler/suspend.ts).
/** The thread wants to run again later: put it at the back of the run queue. */
// @ts-ignore: decorator
@inline export const REASON_YIELD: i32 = 1;
/** The thread set itself PARKING and published itself where a waker will find it. */
// @ts-ignore: decorator
@inline export const REASON_PARK: i32 = 2;
/** The thread failed: discard its stack and finish it (the failure is already recorded). */
// @ts-ignore: decorator
@inline export const REASON_EXIT: i32 = 3;
/** A collection waits for this worker: the thread stops here and runs again first, right after the safepoint. */
// @ts-ignore: decorator
@inline export const REASON_COLLECT: i32 = 4;
// Why a waiting thread was woken (its `wake` field; scheduler/waitq.ts).
// @ts-ignore: decorator
@inline export const WAKE_NONE: i32 = 0;
/** It got what it waited for (the lock, the permits, a message...). */
// @ts-ignore: decorator
@inline export const WAKE_GRANTED: i32 = 1;
/** It was cancelled: taken out of the queue without getting anything. */
// @ts-ignore: decorator
@inline export const WAKE_CANCELLED: i32 = 2;
/** The object was closed (a channel). */
// @ts-ignore: decorator
@inline export const WAKE_CLOSED: i32 = 3;
// JSPI (driver/jspi.ts): what `jspi_done` answers instead of a thread to end the engine stack; where a thread's
// shadow-stack block keeps the host's resumer index.
// @ts-ignore: decorator
@inline export const STACK_ENDS: usize = 0;
// @ts-ignore: decorator
@inline export const STACK_TRIMMED: usize = 1;
// @ts-ignore: decorator
@inline export const SHADOW_RESUMER: usize = 4;

/** Where static data starts: the toolchain passes this as asc's `--memoryBase`. */
// @ts-ignore: decorator
@inline export const MEMORY_BASE: usize = 16384;

// The header and the worker counters must fit below the static data.
// @ts-ignore: decorator
@inline const LAYOUT_FITS: bool = HEADER_END <= DEADLOCK_CLAIM && STD_LOCK < GC_STATE && GC_END <= PIN_WAITS && PIN_WAITS_END <= WORKER_STATS &&
  WORKER_STATS + <usize>MAX_WORKERS * WORKER_STATS_STRIDE <= MEMORY_BASE;
// @ts-ignore
if (!LAYOUT_FITS) ERROR("vthreads: the runtime header does not fit below MEMORY_BASE");

// The std object layouts above are AssemblyScript's: the compiler checks them here.
// @ts-ignore: decorator
@inline const STD_LAYOUT_MATCHES: bool = offsetof<ArrayBufferView>("buffer") == VIEW_BUFFER &&
  offsetof<ArrayBufferView>("dataStart") == VIEW_DATA_START && offsetof<ArrayBufferView>("byteLength") == VIEW_BYTE_LENGTH &&
  offsetof<Int32Array>() == TYPED_ARRAY_SIZE && offsetof<Array<i32>>("length_") == ARRAY_LENGTH && offsetof<Array<i32>>() == ARRAY_SIZE;
// @ts-ignore
if (!STD_LAYOUT_MATCHES) ERROR("vthreads: AssemblyScript's std object layout differs from memory/layout.ts");
