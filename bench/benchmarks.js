// The benchmark registry: every benchmark, its parameters (full and --quick) and its variants.
// Module paths are relative to this directory. `guest` names bench/guest/<guest>.ts.
// Every benchmark has an `async-await` variant: the baseline the ratios are computed against.

export const BASELINE_VARIANT = "async-await";

const pingpongVariants = [
  { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/pingpong.js", export: "asyncAwait" },
  { variant: "generator", workers: 1, kind: "baseline", module: "./baselines/pingpong.js", export: "generator" },
  { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/pingpong.js", guest: "pingpong" },
];

export const benchmarks = [
  {
    name: "pingpong-depth1",
    unit: "ns/switch",
    description: "two coroutines strictly alternating, yield at call depth 1; each yields n times (2n switches)",
    params: { n: 1_000_000, depth: 1 },
    quickParams: { n: 100_000, depth: 1 },
    variants: pingpongVariants,
  },
  {
    name: "pingpong-depth20",
    unit: "ns/switch",
    description: "two coroutines strictly alternating, yield at call depth 20; each yields n times (2n switches)",
    params: { n: 200_000, depth: 20 },
    quickParams: { n: 20_000, depth: 20 },
    variants: pingpongVariants,
  },
  {
    name: "skynet",
    unit: "ms",
    description: "1,111,111 threads, 6 levels of 10 children, leaves return their number, sum 499999500000",
    params: { size: 1_000_000, div: 10 },
    quickParams: { size: 10_000, div: 10 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/skynet.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/skynet.js", guest: "skynet" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/skynet.js", guest: "skynet" },
    ],
  },
  {
    name: "spawn-flat",
    unit: "ns/spawn",
    description: "n flat spawns of a trivial thread (returns its argument), joined by one group, summed",
    params: { n: 1_000_000 },
    quickParams: { n: 100_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/spawn-flat.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/spawn-flat.js", guest: "spawn-flat" },
      { variant: "vthreads", workers: 2, kind: "vthreads", module: "./vthreads/spawn-flat.js", guest: "spawn-flat" },
    ],
  },
  {
    name: "parked-bytes",
    unit: "bytes",
    description: "memory per thread parked on one future at call depth 1 (n threads parked at once)",
    params: { n: 100_000 },
    quickParams: { n: 10_000 },
    variants: [
      { variant: "async-await", workers: 1, kind: "baseline", module: "./baselines/parked-bytes.js", export: "asyncAwait" },
      { variant: "vthreads", workers: 1, kind: "vthreads", module: "./vthreads/parked-bytes.js", guest: "parked-bytes" },
    ],
  },
];
