#!/usr/bin/env node
// A/B of two checkouts of vthreads in one process: one guest export, called in alternating rounds on a runtime of
// each. Two runs of bench/run.js, one per checkout, are minutes apart on a shared VM and their medians can differ
// by 40 % from load alone; rounds interleaved within one process see the same machine, so a change of a few per cent
// shows. Each checkout must be built (`npx tsc -p .`); its guest is built by its own toolchain in a child process
// (two AssemblyScript toolchains in one process interfere).
//
//   node bench/ab.js <checkoutA> <checkoutB> <guest> <export> <units per call> <rounds> <workers> [args...]
//   node bench/ab.js ../before . mutex mutexUncontended 2000000 21 1 2000000
//
// Prints, per checkout, the median and minimum of (call time in ns) / (units per call).
//
// Give both checkouts paths of the same length (e.g. ../wt-old and ../wt-new). The compiler writes source paths into
// the module's static data (abort messages), so a longer path moves everything placed after the static data: the
// same commit built in /work/main and in /work/wt-prev differed by ~10 % on skynet's minimum, and an A/B across
// such paths measured the layout as much as the change. Checkouts with paths of different lengths get a warning.
import { execFileSync } from "node:child_process";
import path from "node:path";

const [a, b, guest, fn, units, rounds, workers, ...rest] = process.argv.slice(2);
if (!a || !b || !guest || !fn || !(Number(units) > 0) || !(Number(rounds) > 0) || !(Number(workers) > 0)) {
  console.error("usage: node bench/ab.js <checkoutA> <checkoutB> <guest> <export> <units per call> <rounds> <workers> [args...]");
  process.exit(2);
}
const args = rest.map(Number);
const dirs = [path.resolve(a), path.resolve(b)];
if (dirs[0].length !== dirs[1].length) {
  console.warn(`warning: ${dirs[0]} and ${dirs[1]} have paths of different lengths: the modules' layouts differ too ` +
    "(see the top of bench/ab.js); use checkouts whose paths have the same length");
}

function buildIn(dir) {
  const script = `const h = await import(${JSON.stringify(path.join(dir, "bench/vthreads/host.js"))});` +
    `process.stdout.write(await h.buildGuest(${JSON.stringify(guest)}));`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
}

const runtimes = [];
for (const dir of dirs) {
  const wasm = buildIn(dir);
  const host = await import(path.join(dir, "bench/vthreads/host.js"));
  runtimes.push(await host.startRuntime(wasm, Number(workers)));
}
const times = [[], []];
for (const rt of runtimes) await rt.call(fn, ...args); // warm-up: free lists, JIT
for (let r = 0; r < Number(rounds); r++) {
  for (let i = 0; i < 2; i++) {
    const t0 = process.hrtime.bigint();
    await runtimes[i].call(fn, ...args);
    times[i].push(Number(process.hrtime.bigint() - t0) / Number(units));
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
for (let i = 0; i < 2; i++) {
  console.log(`${fn}(${args.join(", ")}) on ${workers} worker(s), ${dirs[i]}: median ${median(times[i]).toFixed(2)}, ` +
    `min ${Math.min(...times[i]).toFixed(2)} ns per unit (${rounds} rounds)`);
}
for (const rt of runtimes) await rt.close();
