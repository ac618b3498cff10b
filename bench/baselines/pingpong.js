// Ping-pong baselines: two coroutines strictly alternate; each yields n times, so one run is 2n switches.
// The yield happens `depth` frames down: depth 1 = the coroutine's own top frame yields.
// Result metric: nanoseconds per switch (elapsed / 2n). Results are verified (pingpongExpected).
import { expectValue, pingpongExpected, now } from "../common.js";

// ---------------------------------------------------------------------------------------------
// async-await: two async functions hand control back and forth. `turn` says whose turn it is; a
// side that is not on turn waits with `await null` (one microtask hop). With the FIFO microtask
// queue each `await null` resumes exactly when the other side handed over, so every await is one
// genuine switch; `awaits` counts them and the run fails if the sides did not alternate.

let turn = 0;
let awaits = 0;

async function asyncSide(d, me, n) {
  if (d <= 1) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      while (turn !== me) {
        awaits++;
        await null; // wait for the other side to hand over
      }
      acc += i;
      turn = 1 - me; // hand over
    }
    return acc;
  }
  // the addition after the await keeps this frame meaningful (it is resumed at the end)
  return (await asyncSide(d - 1, me, n)) + d;
}

export async function asyncAwait({ n, depth }) {
  turn = 0;
  awaits = 0;
  const t0 = now();
  const [a, b] = await Promise.all([asyncSide(depth, 0, n), asyncSide(depth, 1, n)]);
  const t1 = now();
  expectValue(`pingpong async-await depth ${depth}`, a + b, pingpongExpected(n, depth));
  // 2n handovers need 2n - 1 awaits; more would mean a side spun waiting instead of alternating
  if (awaits > 2 * n) throw new Error(`pingpong async-await: ${awaits} awaits for ${2 * n} switches (not alternating)`);
  return ((t1 - t0) * 1e6) / (2 * n);
}

// ---------------------------------------------------------------------------------------------
// generator: two sync generators driven by a trampoline loop; the yield sits inside `depth` nested
// generator delegations (`yield*`). Every `next()` that returns a yield is one switch.

function* genSide(d, n) {
  if (d <= 1) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += i;
      yield;
    }
    return acc;
  }
  return (yield* genSide(d - 1, n)) + d;
}

export function generator({ n, depth }) {
  const t0 = now();
  const gens = [genSide(depth, n), genSide(depth, n)];
  let cur = 0;
  let live = 2;
  let total = 0;
  let switches = 0;
  while (live > 0) {
    const g = gens[cur];
    if (g !== null) {
      const r = g.next();
      if (r.done) {
        total += r.value;
        gens[cur] = null;
        live--;
      } else {
        switches++;
      }
    }
    cur ^= 1; // hand control to the other generator
  }
  const t1 = now();
  expectValue(`pingpong generator depth ${depth}`, total, pingpongExpected(n, depth));
  if (switches !== 2 * n) throw new Error(`pingpong generator: ${switches} switches, expected ${2 * n}`);
  return ((t1 - t0) * 1e6) / (2 * n);
}
