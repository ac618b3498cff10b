// Module-vars baseline: the same loop over a JS module's own variables (what a JS program keeps its state in).
// Result metric: ns per step. Verified.
import { expectValue, moduleVarsExpected, now } from "../common.js";

let count = 0;
let acc = 0;
let scale = 1.0;

function step(i) {
  count = (count + 1) | 0;
  acc = (Math.imul(acc, 31) + (i ^ count)) | 0;
  scale = scale * 0.5 + 1.0;
}

function moduleVars(n) {
  count = 0;
  acc = 0;
  scale = 1.0;
  for (let i = 0; i < n; i++) step(i);
  return (acc + count + Math.trunc(scale * 1000)) | 0;
}

export async function asyncAwait({ n }) {
  const t0 = now();
  const result = moduleVars(n);
  const t1 = now();
  expectValue("module-vars js", result, moduleVarsExpected(n));
  return ((t1 - t0) * 1e6) / n;
}
