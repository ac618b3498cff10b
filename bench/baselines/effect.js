// Effect's fibers as a peer (npm `effect` 3.x, see bench/README.md "Effect"): skynet and spawn-flat written the two
// ways an Effect user would, run with `Effect.runPromise` on the main thread (Effect's fibers are green threads on
// one JS thread, like async/await). Same shapes, sizes and result checks as skynet.js and spawn-flat.js.
//
// - `forEach`: each node (or the root of the flat spawn) runs `Effect.forEach(children, f, { concurrency:
//   "unbounded" })`, which forks one fiber per element and collects the results in order. Effect starts each forked
//   fiber at once and runs it until it first suspends, so children that never block cost no queueing.
// - `forkJoin`: `Effect.fork` every child first, then `Fiber.join` each one, in `Effect.gen` (the style of Effect's
//   own docs): explicit fibers, one generator per node.
import { Effect, Fiber } from "effect";

import { expectValue, skynetExpected, sumBelow, now } from "../common.js";

/** The child indices 0..div-1, one array per distinct div (forEach takes any iterable; the nodes share it). */
const indexCache = new Map();
function indices(div) {
  let a = indexCache.get(div);
  if (a === undefined) {
    a = Array.from({ length: div }, (_, i) => i);
    indexCache.set(div, a);
  }
  return a;
}

const sum = (xs) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
};

function skynetForEach(num, size, div) {
  if (size === 1) return Effect.succeed(num);
  const sub = size / div;
  return Effect.map(
    Effect.forEach(indices(div), (i) => skynetForEach(num + i * sub, sub, div), { concurrency: "unbounded" }),
    sum,
  );
}

function skynetForkJoin(num, size, div) {
  if (size === 1) return Effect.succeed(num);
  const sub = size / div;
  return Effect.gen(function* () {
    const fibers = new Array(div);
    for (let i = 0; i < div; i++) fibers[i] = yield* Effect.fork(skynetForkJoin(num + i * sub, sub, div));
    let total = 0;
    for (let i = 0; i < div; i++) total += yield* Fiber.join(fibers[i]);
    return total;
  });
}

async function timeSkynet(what, program, { size, div }) {
  const t0 = now();
  const total = await Effect.runPromise(program(0, size, div));
  const t1 = now();
  expectValue(what, total, skynetExpected(size, div));
  return t1 - t0;
}

export const skynetEffectForEach = (params) => timeSkynet("skynet effect-forEach", skynetForEach, params);
export const skynetEffectForkJoin = (params) => timeSkynet("skynet effect-fork-join", skynetForkJoin, params);

// spawn-flat: n fibers of a trivial effect that returns its argument, all started before any is awaited, joined and
// summed (n(n-1)/2). Metric: ns per spawn.
const identity = (x) => Effect.succeed(x);

function flatForEach(n) {
  const items = Array.from({ length: n }, (_, i) => i);
  return Effect.map(Effect.forEach(items, identity, { concurrency: "unbounded" }), sum);
}

function flatForkJoin(n) {
  return Effect.gen(function* () {
    const fibers = new Array(n);
    for (let i = 0; i < n; i++) fibers[i] = yield* Effect.fork(identity(i));
    let total = 0;
    for (let i = 0; i < n; i++) total += yield* Fiber.join(fibers[i]);
    return total;
  });
}

async function timeFlat(what, program, { n }) {
  const t0 = now();
  const total = await Effect.runPromise(program(n));
  const t1 = now();
  expectValue(what, total, sumBelow(n));
  return ((t1 - t0) * 1e6) / n;
}

export const spawnFlatEffectForEach = (params) => timeFlat("spawn-flat effect-forEach", flatForEach, params);
export const spawnFlatEffectForkJoin = (params) => timeFlat("spawn-flat effect-fork-join", flatForkJoin, params);
