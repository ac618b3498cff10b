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
