// Helpers shared by the baselines and the vthreads variants: expected results and checks.
// A benchmark whose result is wrong must throw: a fast wrong answer is not a result.

/** Thrown by a variant that cannot run in this environment (reported as skipped, not failed). */
export class SkipError extends Error {
  constructor(message) {
    super(message);
    this.name = "SkipError";
  }
}

function toBigInt(x, what) {
  if (typeof x === "bigint") return x;
  if (typeof x === "number" && Number.isSafeInteger(x)) return BigInt(x);
  throw new Error(`${what}: expected an integer result, got ${typeof x} ${String(x)}`);
}

/** Throws unless `got` (number or bigint) equals `expected` (number or bigint). */
export function expectValue(what, got, expected) {
  const g = toBigInt(got, what);
  const e = toBigInt(expected, what);
  if (g !== e) throw new Error(`${what}: wrong result ${g}, expected ${e}`);
}

/** 0 + 1 + ... + (n - 1) as a BigInt. */
export function sumBelow(n) {
  const b = BigInt(n);
  return (b * (b - 1n)) / 2n;
}

/**
 * Ping-pong result: each of the two players returns sum(0..n-1) from its innermost frame, and every
 * enclosing frame d = 2..depth adds d on the way out (this keeps the frames live).
 */
export function pingpongExpected(n, depth) {
  const frames = BigInt(depth * (depth + 1)) / 2n - 1n; // 2 + 3 + ... + depth
  return 2n * (sumBelow(n) + frames);
}

/** Skynet: the leaves are numbered 0..size-1, so the total is sum(0..size-1). */
export function skynetExpected(size, div) {
  let s = size;
  while (s > 1) {
    if (s % div !== 0) throw new Error(`skynet: size ${size} is not a power of ${div}`);
    s /= div;
  }
  return sumBelow(size);
}

/** Number of threads in a skynet tree (root included): 1 + div + div^2 + ... + size. */
export function skynetThreads(size, div) {
  let total = 0;
  for (let s = 1; s <= size; s *= div) total += s;
  return total;
}

/** performance.now() in ms; process-local monotonic clock. */
export const now = () => performance.now();

export const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Yields (await points) per fan-out chunk: the same as bench/guest/fanout-cpu.ts. */
export const FANOUT_YIELDS = 4;

/**
 * One fan-out chunk, the arithmetic of bench/guest/fanout-cpu.ts: a xorshift32 loop of k iterations seeded by
 * the index (state = index * 2654435761 + 1 mod 2^32); returns the final state as an unsigned 32-bit number.
 */
export function fanoutChunk(idx, k) {
  let x = (Math.imul(idx, -1640531535) + 1) | 0; // 2654435761 as int32
  for (let j = 0; j < k; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

const fanoutCache = new Map();

/** Sum of fanoutChunk(i, k) for i in 0..n-1 (a BigInt; computed once per (n, k)). */
export function fanoutExpected(n, k) {
  const key = `${n}/${k}`;
  let v = fanoutCache.get(key);
  if (v === undefined) {
    let s = 0;
    for (let i = 0; i < n; i++) s += fanoutChunk(i, k); // < 2^53 for n < 2^21
    v = BigInt(s);
    fanoutCache.set(key, v);
  }
  return v;
}

/** Median of each numeric field (or of each element of an array field) over a list of info objects. */
export function medianInfo(infos) {
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const out = {};
  const keys = [...new Set(infos.flatMap((i) => Object.keys(i ?? {})))];
  for (const key of keys) {
    const vals = infos.map((i) => i?.[key]).filter((v) => v !== undefined);
    if (vals.every((v) => typeof v === "number")) out[key] = med(vals);
    else if (vals.every((v) => typeof v === "string")) out[key] = vals[vals.length - 1]; // a text (e.g. how a run failed): the last one
    else if (vals.every((v) => Array.isArray(v))) {
      const len = Math.max(...vals.map((v) => v.length));
      out[key] = Array.from({ length: len }, (_, j) => med(vals.map((v) => v[j] ?? 0)));
    }
  }
  return out;
}

/** gc-alloc: sum over i < n of (decimal length of i) + (i >> 1). */
export function gcAllocExpected(n) {
  let sum = 0n;
  for (let digits = 1, lo = 0; lo < n; digits++, lo = lo === 0 ? 10 : lo * 10) {
    const hi = Math.min(n, lo === 0 ? 10 : lo * 10);
    sum += BigInt(digits) * BigInt(hi - lo);
  }
  for (let i = 0; i < n; i++) sum += BigInt(i >> 1);
  return sum;
}

/** gc-pause: the holder's sum of node values 0 .. live/4 - 1. */
export function gcPauseExpected(live) {
  return sumBelow(Math.floor(live / 4));
}

/**
 * A concurrency limit: `seen` (the most tasks inside at once) must not exceed `limit`, and when `mustReach` (a
 * single-threaded run with more tasks than permits, where every permit is taken before the first is released) it
 * must reach it: a limiter that let fewer through would be wrong too.
 */
export function checkMaxInside(what, seen, limit, mustReach) {
  if (seen > limit) throw new Error(`${what}: ${seen} tasks inside at once, the limit is ${limit}`);
  if (mustReach && seen !== limit) throw new Error(`${what}: at most ${seen} tasks inside at once, expected the limit ${limit}`);
}

/** What the module-vars loop returns after n steps (bench/guest/module-vars.ts). */
export function moduleVarsExpected(n) {
  let count = 0, acc = 0, scale = 1.0;
  for (let i = 0; i < n; i++) {
    count = (count + 1) | 0;
    acc = (Math.imul(acc, 31) + (i ^ count)) | 0;
    scale = scale * 0.5 + 1.0;
  }
  return (acc + count + Math.trunc(scale * 1000)) | 0;
}
