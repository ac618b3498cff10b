// Allocation throughput baselines for bench/guest/gc-alloc.ts (4 allocations per step):
//   foundation  the same guest on the foundation's allocator (no collector: the heap only grows), same invocation;
//               the target is that the collecting allocator keeps at least 0.7x its throughput (ratio <= 1.43)
//   js          the same loop in plain JavaScript (V8's allocator and generational GC), for reference
import { expectValue, gcAllocExpected, now } from "../common.js";
import { foundationRuntime } from "./foundation.js";

export async function foundation({ n }) {
  let rt = await foundationRuntime("gc-alloc", 1);
  // Nothing is ever freed there: keep well away from the 2 GiB maximum (about 100 MB per run at full size).
  if (rt.memoryStats().heapReserved > 1.5 * 2 ** 30) throw new Error("foundation runtime near its memory maximum");
  const t0 = now();
  const sum = await rt.call("allocate", n);
  const t1 = now();
  expectValue("gc-alloc foundation", sum, gcAllocExpected(n));
  return ((t1 - t0) * 1e6) / (4 * n);
}

class Pair {
  constructor(value, name, items, next) {
    this.value = value;
    this.name = name;
    this.items = items;
    this.next = next;
  }
}

export async function js({ n }) {
  const t0 = now();
  let sum = 0n;
  let acc = 0;
  let prev = null;
  for (let i = 0; i < n; i++) {
    const items = new Array(2);
    items[0] = i;
    items[1] = i >> 1;
    const p = new Pair(i, String(i), items, (i & 7) === 0 ? null : prev);
    acc += p.name.length + p.items[1];
    if (acc > 1e15) { sum += BigInt(acc); acc = 0; }
    prev = p;
  }
  sum += BigInt(acc);
  const t1 = now();
  expectValue("gc-alloc js", sum, gcAllocExpected(n));
  return ((t1 - t0) * 1e6) / (4 * n);
}
