// The benchmark registry: every benchmark, its parameters (full and --quick) and its variants.
// Module paths are relative to this directory. `guest` names bench/guest/<guest>.ts.
// Every benchmark has an `async-await` variant: the baseline the ratios are computed against.

export const BASELINE_VARIANT = "async-await";

// `scaling: true` marks a benchmark whose vthreads result depends on the worker count: `run.js --scaling` runs its
// vthreads variants (Asyncify, the node running run.js) at 1, 2, 4 and 8 workers (or `--workers LIST`) and prints the
// speed-up over 1 worker (bench/README.md, "Scaling").

// The machine's core count, for the "all cores" variants; a separate variant only when it is not 1 or 2
// (those are run anyway). In a browser (the page in bench/web reads this registry too) there is no node:os.
const CORES = globalThis.navigator?.hardwareConcurrency ?? (await import("node:os")).availableParallelism();
const allCores = (variant) => (CORES > 2 && CORES <= 64 ? [{ ...variant, workers: CORES }] : []);

// JSPI or Asyncify: a vthreads variant's `backend` ("asyncify" | "jspi") is passed to Runtime.start (which then loads
// <guest>.jspi.wasm for JSPI); without it the Runtime's default (Asyncify). `node: 25` runs the variant in a Node 25
// child process (scripts/node25.sh; JSPI needs it, Node 20 has none), SKIPPED when there is no Node 25 or with
// --no-node25. Every JSPI variant has an Asyncify twin and an async-await twin on the same Node 25, for a fair pair;
// the plain `vthreads` variant stays Asyncify on the node that runs run.js.
const node25Twins = (v) => [
  { ...v, variant: `${v.variant}-asyncify-n25`, backend: "asyncify", node: 25 },
  { ...v, variant: `${v.variant}-jspi-n25`, backend: "jspi", node: 25 },
];

const pingpongVariants = [
  { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/pingpong.js", export: "asyncAwait" },
  { variant: "generator", workers: 1, kind: "baseline", module: "./baselines/pingpong.js", export: "generator" },
  { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/pingpong.js", guest: "pingpong" },
  { variant: "async-await-n25", workers: 1, kind: "baseline", module: "./baselines/pingpong.js", export: "asyncAwait", node: 25 },
  ...node25Twins({ variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/pingpong.js", guest: "pingpong" }),
];

const hostCallNode25 = [
  { variant: "async-await-n25", workers: 1, kind: "baseline", module: "./baselines/io-roundtrip.js", export: "asyncAwait", node: 25 },
  ...node25Twins({ variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/io-roundtrip.js", guest: "io-roundtrip", hostModule: "./vthreads/io-host.js" }),
  ...node25Twins({ variant: "vthreads-declared", workers: 1, kind: "vthreads", module: "./vthreads/io-roundtrip-declared.js", guest: "io-roundtrip", hostModule: "./vthreads/io-host.js" }),
];

// Effect's fibers (npm `effect` 3.x, bench/baselines/effect.js): the peer of skynet and spawn-flat, in the two forms an
// Effect user writes. An Effect fiber is heavy (~7-10 KB of V8 heap each while it lives, measured with 100,000 at once)
// and a run at the full sizes holds up to 1.1 million of them, so the child gets a larger old space and a run takes
// minutes: no warm-up and at most 3 measured runs (a warm-up would not change a run of that length).
const effectVariant = (variant, exportName) => ({
  variant, workers: 1, kind: "baseline", module: "./baselines/effect.js", export: exportName,
  nodeFlags: ["--max-old-space-size=16384"], maxReps: 3, maxWarmup: 0,
});

// `threadsAtOnce(params, workers)`: the most threads that hold a stack at once (started and not finished, the root
// call's thread included), from the benchmark's shape. The JSPI backend holds at most `jspiStackLimit` of them (one
// engine stack each): run.js skips a JSPI variant above that, and the benchmark page shows such a row as unavailable,
// instead of running it. (parked-limit declares none: it looks for the limit itself, with its own jspiStackLimit.)

/** Threads of a skynet tree: a node of `size` leaves has `div` children of size / div. */
function skynetThreads(size, div) {
  return size <= 1 ? 1 : 1 + div * skynetThreads(size / div, div);
}

export const benchmarks = [
  {
    name: "pingpong-depth1",
    unit: "ns/switch",
    threadsAtOnce: () => 3,
    description: "two coroutines strictly alternating, yield at call depth 1; each yields n times (2n switches)",
    params: { n: 1_000_000, depth: 1 },
    quickParams: { n: 100_000, depth: 1 },
    variants: pingpongVariants,
  },
  {
    name: "pingpong-depth20",
    unit: "ns/switch",
    threadsAtOnce: () => 3,
    description: "two coroutines strictly alternating, yield at call depth 20; each yields n times (2n switches)",
    params: { n: 200_000, depth: 20 },
    quickParams: { n: 20_000, depth: 20 },
    variants: pingpongVariants,
  },
  {
    name: "pingpong-depth50",
    unit: "ns/switch",
    threadsAtOnce: () => 3,
    description: "two coroutines strictly alternating, yield at call depth 50; each yields n times (2n switches)",
    params: { n: 100_000, depth: 50 },
    quickParams: { n: 10_000, depth: 50 },
    variants: pingpongVariants,
  },
  {
    name: "skynet",
    scaling: true,
    unit: "ms",
    threadsAtOnce: (p) => skynetThreads(p.size, p.div), // every parent waits in join while its children live
    description: "1,111,111 threads, 6 levels of 10 children, leaves return their number, sum 499999500000",
    params: { size: 1_000_000, div: 10 },
    quickParams: { size: 10_000, div: 10 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/skynet.js", export: "asyncAwait" },
      effectVariant("effect-forEach", "skynetEffectForEach"),
      effectVariant("effect-fork-join", "skynetEffectForkJoin"),
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/skynet.js", guest: "skynet" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/skynet.js", guest: "skynet" },
      // JSPI on Node 25 (skipped at the full size: its 1,111,111 threads are beyond the JSPI limit)
      { variant: "async-await-n25", workers: 1, kind: "baseline", module: "./baselines/skynet.js", export: "asyncAwait", node: 25 },
      ...[1, 2].flatMap((workers) => node25Twins({ variant: "vthreads", workers, kind: "vthreads", module: "./vthreads/skynet.js", guest: "skynet" })),
    ],
  },
  {
    name: "spawn-flat",
    scaling: true,
    unit: "ns/spawn",
    threadsAtOnce: (p, workers) => 1 + workers, // a child returns on its first run: one running per worker
    description: "n flat spawns of a trivial thread (returns its argument), joined by one group, summed",
    params: { n: 1_000_000 },
    quickParams: { n: 100_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/spawn-flat.js", export: "asyncAwait" },
      effectVariant("effect-forEach", "spawnFlatEffectForEach"),
      effectVariant("effect-fork-join", "spawnFlatEffectForkJoin"),
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/spawn-flat.js", guest: "spawn-flat" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/spawn-flat.js", guest: "spawn-flat" },
    ],
  },
  {
    name: "module-vars",
    unit: "ns/step",
    threadsAtOnce: () => 1,
    description: "a hot loop reading and writing three module variables (one per program, in shared memory), n steps",
    params: { n: 20_000_000 },
    quickParams: { n: 2_000_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/module-vars.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/module-vars.js", guest: "module-vars" },
    ],
  },
  {
    name: "spawn-flat-closure",
    unit: "ns/spawn",
    threadsAtOnce: (p, workers) => 1 + workers,
    description: "spawn-flat with a capturing closure per child (g.spawn(() => x)) instead of spawn(fn, arg)",
    params: { n: 1_000_000 },
    quickParams: { n: 100_000 },
    // the issue's target: a closure spawn costs at most 1.3x spawn(fn, arg) (spawn-flat, in the same invocation)
    compareWith: { benchmark: "spawn-flat", variant: "vthreads", workers: 1, what: "spawn(fn, arg)", target: 1.3 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/spawn-flat.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/spawn-flat-closure.js", guest: "spawn-flat" },
    ],
  },
  {
    name: "parked-bytes",
    unit: "bytes",
    threadsAtOnce: (p) => p.n + 3, // the waiters, the gate, parkAll's root and a parkedCount poll
    description: "memory per thread parked on one future at call depth 1 (n threads parked at once)",
    params: { n: 100_000 },
    quickParams: { n: 10_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/parked-bytes.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/parked-bytes.js", guest: "parked-bytes" },
    ],
  },
  {
    // How many suspended threads a backend holds: a ladder of child processes, each parking n threads (one worker,
    // bench/guest/parked-bytes.ts), n growing until one fails or the ladder ends; then `bisect` halvings between the
    // last n that worked and the first that failed. The value is the largest n that worked (HIGHER is better, the only
    // such unit); the notes say how the next step failed and the bytes per parked thread. A crash of a step process
    // (JSPI: V8 aborts when it cannot map another stack) is the limit, not a failure of the variant.
    name: "parked-limit",
    unit: "threads",
    description: "largest number of threads parked at once (ladder of processes, n growing to the first failure); bytes per parked thread",
    params: { steps: [1000, 10_000, 20_000, 40_000, 100_000, 200_000, 400_000, 1_000_000], bisect: 3, bytesAt: 10_000 },
    quickParams: { steps: [1000, 10_000, 20_000, 40_000, 100_000], bisect: 2, bytesAt: 10_000 },
    maxReps: 1,
    maxWarmup: 0,
    baseline: { variant: "none" },
    variants: [
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/parked-limit.js", guest: "parked-bytes" },
      ...node25Twins({ variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/parked-limit.js", guest: "parked-bytes" }),
    ],
  },
  {
    name: "fanout-cpu",
    scaling: true,
    unit: "ms",
    threadsAtOnce: (p) => p.n + 1, // each yields: all n are started before the first one ends
    description: "n threads of k xorshift32 iterations each (4 yields per thread), joined by one group, summed",
    params: { n: 10_000, k: 20_000 },
    quickParams: { n: 10_000, k: 2_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/fanout-cpu.js", export: "asyncAwait" },
      { variant: "worker_threads", workers: 2, kind: "baseline", module: "./baselines/fanout-cpu.js", export: "workerThreads" },
      ...allCores({ variant: "worker_threads", kind: "baseline", module: "./baselines/fanout-cpu.js", export: "workerThreads" }),
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/fanout-cpu.js", guest: "fanout-cpu" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/fanout-cpu.js", guest: "fanout-cpu" },
      ...allCores({ variant: "vthreads", kind: "vthreads", module: "./vthreads/fanout-cpu.js", guest: "fanout-cpu" }),
      { variant: "async-await-n25", workers: 1, kind: "baseline", module: "./baselines/fanout-cpu.js", export: "asyncAwait", node: 25 },
      ...[1, 2].flatMap((workers) => node25Twins({ variant: "vthreads", workers, kind: "vthreads", module: "./vthreads/fanout-cpu.js", guest: "fanout-cpu" })),
    ],
  },
  {
    name: "pingpong-cross",
    scaling: true,
    unit: "ns/handover",
    threadsAtOnce: () => 3,
    description: "two threads hand a turn back and forth through a shared cell (the waiting side yields or waits), n times each",
    params: { n: 200_000 },
    quickParams: { n: 20_000 },
    baseline: { variant: "worker_threads" },
    variants: [
      { variant: "worker_threads", workers: 2, kind: "baseline", module: "./baselines/pingpong-cross.js", export: "workerThreads" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/pingpong-cross.js", guest: "pingpong-cross" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/pingpong-cross.js", guest: "pingpong-cross" },
    ],
  },
  {
    name: "mutex-uncontended",
    unit: "ns/lock",
    threadsAtOnce: () => 1,
    description: "one thread: n x (lock a Mutex<i64>, increment the guarded counter, unlock); promise mutex: await lock()",
    params: { n: 10_000_000 },
    quickParams: { n: 1_000_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/mutex.js", export: "uncontended" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/mutex.js", export: "uncontended", guest: "mutex" },
    ],
  },
  {
    name: "mutex-contended",
    scaling: true,
    unit: "ns/lock",
    threadsAtOnce: (p) => p.threads + 1,
    description: "1,000 threads each increment one mutex-guarded counter k times, yielding while holding the lock",
    params: { threads: 1000, k: 200 },
    quickParams: { threads: 1000, k: 10 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/mutex.js", export: "contended" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/mutex.js", export: "contended", guest: "mutex" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/mutex.js", export: "contended", guest: "mutex" },
    ],
  },
  {
    name: "channel-pingpong",
    scaling: true,
    unit: "ns/hand-off",
    threadsAtOnce: () => 3,
    description: "two threads bounce a number over two channels of capacity 1, n round trips (2n one-way hand-offs)",
    params: { n: 200_000 },
    quickParams: { n: 20_000 },
    // the issue's target: within 3x the bare yield ping-pong (pingpong-depth1, in the same invocation)
    compareWith: { benchmark: "pingpong-depth1", variant: "vthreads", workers: 1, what: "the bare yield ping-pong", target: 3 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/channel.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/channel.js", export: "blocking", guest: "channel" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/channel.js", export: "blocking", guest: "channel" },
      { variant: "vthreads-polling", workers: 1, kind: "vthreads", module: "./vthreads/channel.js", export: "polling", guest: "channel" },
      { variant: "vthreads-polling", workers: 2, kind: "vthreads", module: "./vthreads/channel.js", export: "polling", guest: "channel" },
      { variant: "go-js-wasm", workers: 1, kind: "baseline", module: "./baselines/go.js", export: "goChannel" },
    ],
  },
  {
    name: "select-pingpong",
    unit: "ns/hand-off",
    threadsAtOnce: () => 3,
    description: "channel-pingpong with every receive through a 2-way select (its channel, and a quit channel that stays empty)",
    params: { n: 200_000 },
    quickParams: { n: 20_000 },
    // the issue's target: at most 2x the plain channel ping-pong on one worker (in the same invocation)
    compareWith: { benchmark: "channel-pingpong", variant: "vthreads", workers: 1, what: "the plain channel ping-pong", target: 2 },
    variants: [
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/select.js", export: "blocking", guest: "select" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/select.js", export: "blocking", guest: "select" },
      // the peer: Go's select ping-pong on Go's js/wasm target, in Node (SKIPPED without `go`)
      { variant: "go-js-wasm", workers: 1, kind: "baseline", module: "./baselines/go.js", export: "goSelect" },
    ],
  },
  {
    name: "semaphore-fanout",
    scaling: true,
    unit: "ns/task",
    threadsAtOnce: (p) => p.tasks + 1, // all start, and all but the permits' holders wait in acquire
    description: "10,000 threads limited by a Semaphore(8): acquire, small xorshift chunk, one yield holding it, release",
    params: { tasks: 10_000, permits: 8, work: 200 },
    quickParams: { tasks: 10_000, permits: 8, work: 50 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/semaphore.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/semaphore.js", guest: "semaphore" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/semaphore.js", guest: "semaphore" },
    ],
  },
  {
    name: "event-waitgroup",
    scaling: true,
    unit: "ns/wake",
    threadsAtOnce: (p) => p.threads + 1,
    description: "rounds of a barrier: the root sets an Event that 1,000 threads wait for, they mark a WaitGroup done",
    params: { threads: 1000, rounds: 200 },
    quickParams: { threads: 1000, rounds: 20 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/barrier.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/barrier.js", guest: "barrier" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/barrier.js", guest: "barrier" },
    ],
  },
  {
    name: "io-fanout",
    unit: "ms",
    threadsAtOnce: (p) => p.cap + 1, // beyond maxConcurrency children wait unstarted
    description: "n HTTP GETs to a local node:http server in another process (each page answers after delayMs), at most cap at once; " +
      "async/await: cap workers pulling URLs; vthreads: ThreadGroup(cap), built-in fetch, results in a Mutex",
    params: { n: 10_000, cap: 64, delayMs: 1 },
    quickParams: { n: 1_000, cap: 64, delayMs: 1 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/io-fanout.js", export: "asyncAwait" },
      // The guest fetches from the local page server (its port is picked at run time): grant the network.
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/io-fanout.js", guest: "io-fanout", runtime: { allow: { net: true } } },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/io-fanout.js", guest: "io-fanout", runtime: { allow: { net: true } } },
      { variant: "async-await-n25", workers: 1, kind: "baseline", module: "./baselines/io-fanout.js", export: "asyncAwait", node: 25 },
      ...node25Twins({ variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/io-fanout.js", guest: "io-fanout", runtime: { allow: { net: true } } }),
    ],
  },
  {
    name: "host-call-value",
    unit: "ns/call",
    threadsAtOnce: () => 1,
    description: "n host calls in a row of a JS function returning a plain value (vthreads: no parking; by name with callHost, " +
      "or -declared through @external(\"host\", ...); async/await: await fn(i))",
    params: { n: 1_000_000, promise: false },
    quickParams: { n: 100_000, promise: false },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/io-roundtrip.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/io-roundtrip.js", guest: "io-roundtrip", hostModule: "./vthreads/io-host.js" },
      { variant: "vthreads-declared", workers: 1, kind: "vthreads", module: "./vthreads/io-roundtrip-declared.js", guest: "io-roundtrip", hostModule: "./vthreads/io-host.js" },      ...hostCallNode25,
    ],
  },
  {
    name: "host-call-promise",
    unit: "ns/call",
    threadsAtOnce: () => 1,
    description: "n host calls in a row of a JS function returning an already-resolved promise (vthreads: the thread parks until it settles)",
    params: { n: 100_000, promise: true },
    quickParams: { n: 10_000, promise: true },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/io-roundtrip.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/io-roundtrip.js", guest: "io-roundtrip", hostModule: "./vthreads/io-host.js" },
      { variant: "vthreads-declared", workers: 1, kind: "vthreads", module: "./vthreads/io-roundtrip-declared.js", guest: "io-roundtrip", hostModule: "./vthreads/io-host.js" },      ...hostCallNode25,
    ],
  },
  {
    name: "idle-cpu",
    unit: "% of a core",
    threadsAtOnce: () => 1,
    description: "CPU time of a started, idle process with 4 workers over 1 s, after 200 ms of settling",
    params: { settleMs: 200, idleMs: 1000 },
    quickParams: { settleMs: 200, idleMs: 1000 },
    baseline: { variant: "worker_threads" },
    variants: [
      { variant: "worker_threads", workers: 4, kind: "baseline", module: "./baselines/idle-cpu.js", export: "workerThreads" },
      { variant: "vthreads", workers: 4, kind: "vthreads", module: "./vthreads/idle-cpu.js", guest: "idle-cpu" },
    ],
  },
  {
    name: "gc-alloc",
    unit: "ns/alloc",
    threadsAtOnce: () => 1,
    description: "one thread, n steps of 4 short-lived allocations (object, string, array + buffer); collector vs the foundation's allocator",
    params: { n: 1_000_000 },
    quickParams: { n: 100_000 },
    baseline: { variant: "foundation" },
    variants: [
      { variant: "foundation", workers: 1, kind: "baseline", module: "./baselines/gc-alloc.js", export: "foundation" },
      { variant: "js", workers: 1, kind: "baseline", module: "./baselines/gc-alloc.js", export: "js" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/gc-alloc.js", guest: "gc-alloc" },
      { variant: "vthreads-gc-off", workers: 1, kind: "vthreads", module: "./vthreads/gc-alloc.js", guest: "gc-alloc", runtime: { gc: false } },
    ],
  },
  ...[10_000, 100_000, 1_000_000].map((live) => ({
    name: `gc-pause-${live >= 1_000_000 ? `${live / 1_000_000}m` : `${live / 1000}k`}`,
    unit: "ms",
    description: `longest stop-the-world pause of a full collection (which works in steps) with ${live.toLocaleString("en")} live objects (median of 9 per run)`,
    threadsAtOnce: () => 3, // the root, the holder of the live objects, a collect call
    params: { live, collections: 9 },
    quickParams: { live, collections: 3 },
    baseline: { variant: "v8-full-gc" },
    variants: [
      { variant: "v8-full-gc", workers: 1, kind: "baseline", module: "./baselines/gc-pause.js", export: "v8FullGc" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/gc-pause.js", guest: "gc-pause" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/gc-pause.js", guest: "gc-pause" },
    ],
  })),
  {
    name: "gc-pause-parked",
    unit: "ms",
    description: "pause of a collection with 200,000 parked threads holding 5 objects each: their stacks make the roots slow to scan, so it marks and sweeps in one pause, shared by the workers (median of 7 per run)",
    threadsAtOnce: (p) => p.threads + 2,
    params: { threads: 200_000, each: 5, collections: 7 },
    quickParams: { threads: 50_000, each: 5, collections: 3 },
    baseline: { variant: "v8-full-gc" },
    variants: [
      { variant: "v8-full-gc", workers: 1, kind: "baseline", module: "./baselines/gc-pause.js", export: "v8ParkedFullGc" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/gc-pause-parked.js", guest: "gc-pause" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/gc-pause-parked.js", guest: "gc-pause" },
    ],
  },
  {
    name: "gc-churn",
    unit: "MiB",
    threadsAtOnce: (p) => p.threads + 1,
    description: "peak heap pages while 2,000 threads x 100 rounds build, park holding, check and drop structures (4 workers, 3 calls)",
    params: { threads: 2000, rounds: 100, calls: 3 },
    quickParams: { threads: 1000, rounds: 50, calls: 1 },
    baseline: { variant: "none" },
    variants: [
      { variant: "vthreads", workers: 4, kind: "vthreads", module: "./vthreads/gc-churn.js", guest: "gc-churn" },
    ],
  },
];
