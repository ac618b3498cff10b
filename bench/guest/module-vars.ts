// Guest of the module-vars benchmark: a hot loop that reads and writes module variables (one per program, in shared
// memory: plain loads and stores at fixed addresses). Same arithmetic as bench/baselines/module-vars.js.

let count: i32 = 0;
let acc: i32 = 0;
let scale: f64 = 1.0;

function step(i: i32): void {
  count += 1;
  acc = acc * 31 + (i ^ count);
  scale = scale * 0.5 + 1.0;
}

/** n steps from a fresh state; returns acc + count + trunc(scale * 1000). */
export function moduleVars(n: i32): i32 {
  count = 0;
  acc = 0;
  scale = 1.0;
  for (let i = 0; i < n; i++) step(i);
  return acc + count + <i32>(scale * 1000);
}
