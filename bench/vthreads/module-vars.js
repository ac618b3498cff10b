// vthreads module variables: guest bench/guest/module-vars.ts, export moduleVars(n). One root call runs a hot loop
// over three module variables (shared memory since module state is one per program). Timed on the host around the
// root call. Metric: ns per step. Verified.
import { expectValue, moduleVarsExpected, now } from "../common.js";

export const guest = "module-vars";

export async function run(rt, { n }) {
  const t0 = now();
  const result = await rt.call("moduleVars", n);
  const t1 = now();
  expectValue("module-vars vthreads", result, moduleVarsExpected(n));
  return ((t1 - t0) * 1e6) / n;
}
