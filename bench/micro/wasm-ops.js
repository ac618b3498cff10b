#!/usr/bin/env node
// Cost of the Wasm primitives the scheduler's hot path is made of, on this machine and this Node: plain and atomic
// memory operations on a SHARED memory, a spin-lock acquire/release pair, a 48-byte memory.copy, call_indirect, and
// a call of a JS import like the runtime's clock (`vthreads.now` = performance.timeOrigin + performance.now()).
// Each line: ns per loop iteration (loop overhead ~0.3 ns included), median of 5.
//
//   node bench/micro/wasm-ops.js
import binaryen from "binaryen";

const loop = (name, body, param = "") => `
  (func (export "${name}") (param $n i32) ${param}
    (loop $l ${body}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))`;

const wat = `(module
  (import "env" "memory" (memory 1 16 shared))
  (import "env" "now" (func $now (result f64)))
  (type $t (func (param i32)))
  (table 1 funcref)
  (elem (i32.const 0) $empty)
  (func $empty (param $x i32))
  ${loop("plain load+store", "(i32.store (i32.const 1024) (i32.add (i32.load (i32.const 1024)) (i32.const 1)))")}
  ${loop("i32.atomic.load", "(i32.store (i32.const 1028) (i32.atomic.load (i32.const 1024)))")}
  ${loop("i32.atomic.store", "(i32.atomic.store (i32.const 1024) (local.get $n))")}
  ${loop("i32.atomic.rmw.cmpxchg", "(drop (i32.atomic.rmw.cmpxchg (i32.const 1024) (i32.const 0) (i32.const 0)))")}
  ${loop("i32.atomic.rmw.add", "(drop (i32.atomic.rmw.add (i32.const 1024) (i32.const 1)))")}
  ${loop("lock+unlock (cmpxchg+store)", "(drop (i32.atomic.rmw.cmpxchg (i32.const 1032) (i32.const 0) (i32.const 1))) (i32.atomic.store (i32.const 1032) (i32.const 0))")}
  ${loop("memory.copy 48 B", "(memory.copy (i32.const 4096) (i32.const 8192) (i32.const 48))")}
  ${loop("call_indirect", "(call_indirect (type $t) (local.get $n) (i32.const 0))")}
  ${loop("call JS import now()", "(f64.store (i32.const 2048) (f64.add (f64.load (i32.const 2048)) (call $now)))")}
)`;

const mod = binaryen.parseText(wat);
mod.setFeatures(binaryen.Features.MVP | binaryen.Features.Atomics | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
if (!mod.validate()) throw new Error("invalid module");
const bytes = mod.emitBinary();
mod.dispose();

const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
const { instance } = await WebAssembly.instantiate(bytes, {
  env: { memory, now: () => performance.timeOrigin + performance.now() },
});
const N = 10_000_000;
console.log(`node ${process.version}; ns per iteration, median of 5 (runs)`);
for (const [name, fn] of Object.entries(instance.exports)) {
  const n = name.startsWith("call JS") ? N / 10 : N;
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    fn(n);
    runs.push(((performance.now() - t0) * 1e6) / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${name.padEnd(28)} ${runs[2].toFixed(2).padStart(7)}   (${runs.map((x) => x.toFixed(1)).join(" ")})`);
}
