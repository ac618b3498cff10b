// Numbers a vthreads variant reads from its runtime. No node: imports: the page in bench/web uses these too.

/** rt.memoryStats().heapBytes, checked. */
export function heapBytes(rt) {
  const stats = rt.memoryStats();
  const b = stats?.heapBytes;
  if (typeof b !== "number" && typeof b !== "bigint") {
    throw new Error(`rt.memoryStats().heapBytes is missing (got ${JSON.stringify(stats)})`);
  }
  return Number(b);
}

/**
 * Per-run scheduler counters: the difference of two rt.schedulerStats() snapshots for the per-worker arrays
 * (switches, migrations, and steals and wakeups where the runtime has them: checked with `in`).
 */
export function schedulerDelta(before, after) {
  const out = {};
  for (const key of ["switches", "migrations", "steals", "wakeups"]) {
    if (!(key in after) || !Array.isArray(after[key])) continue;
    const b = Array.isArray(before[key]) ? before[key] : [];
    out[key] = after[key].map((v, i) => Number(v) - Number(b[i] ?? 0));
  }
  return out;
}
