// The table of `run.js --scaling`: one line per benchmark variant, its median at each worker count, the speed-up over
// 1 worker, and where the curve bends. Pure functions over run.js's rows (no I/O), so tests can feed them rows.

/** A step to more workers "pays" when it makes the variant at least this much faster than the previous count. */
export const PAYING_STEP = 1.1;

/**
 * Sets `row.speedup` = median at 1 worker / median at row.workers, for every ok row whose benchmark and variant has
 * an ok 1-worker row (every unit of the scaling rows is "lower is better", so > 1 means faster).
 */
export function addSpeedups(rows) {
  for (const r of rows) {
    if (r.status !== "ok") continue;
    const one = rows.find((x) => x.benchmark === r.benchmark && x.variant === r.variant && x.workers === 1 && x.status === "ok");
    r.speedup = one && r.median > 0 ? one.median / r.median : undefined;
  }
  return rows;
}

/**
 * Where the curve bends, from [{ workers, speedup }] in ascending worker order (speedup undefined for a failed run):
 * `scalesTo` is the largest count reached by steps that each paid (PAYING_STEP over the previous count), `best` the
 * count with the highest speed-up. A curve with a failed point stops there.
 */
export function bend(points) {
  let scalesTo = points[0]?.workers;
  let best = points[0];
  let climbing = true;
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    if (p.speedup === undefined) break;
    if (climbing && points[i - 1].speedup !== undefined && p.speedup >= points[i - 1].speedup * PAYING_STEP) scalesTo = p.workers;
    else climbing = false;
    if (best.speedup === undefined || p.speedup > best.speedup) best = p;
  }
  return { scalesTo, best };
}

/** Three significant digits or so; small values (a speed-up of 0.004x on an oversubscribed machine) keep two. */
const fmt = (x) => {
  if (x === undefined || !Number.isFinite(x)) return "-";
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 0.1) return x.toFixed(2);
  return x.toPrecision(2);
};

/** The lines of the scaling table (header, rule, one line per benchmark/variant, legend). Adds `speedup` to rows. */
export function scalingLines(rows, workerCounts, cpus) {
  addSpeedups(rows);
  const keys = [];
  for (const r of rows) if (!keys.some((k) => k.benchmark === r.benchmark && k.variant === r.variant)) keys.push(r);
  const header = [
    "benchmark", "variant", "unit",
    ...workerCounts.map((w) => `${w} w`),
    ...workerCounts.filter((w) => w !== 1).map((w) => `x${w}`),
    "scales to", "best", "max ±MAD",
  ];
  const body = keys.map((k) => {
    const own = workerCounts.map((w) => rows.find((r) => r.benchmark === k.benchmark && r.variant === k.variant && r.workers === w));
    const cell = (r) => (r === undefined ? "-" : r.status === "ok" ? fmt(r.median) : r.status.toUpperCase());
    const points = own.map((r, i) => ({ workers: workerCounts[i], speedup: r?.status === "ok" ? r.speedup : undefined }));
    const { scalesTo, best } = bend(points);
    const mads = own.filter((r) => r?.status === "ok").map((r) => r.mad);
    return [
      k.benchmark, k.variant, k.unit,
      ...own.map(cell),
      ...own.filter((_, i) => workerCounts[i] !== 1).map((r) => (r?.status === "ok" && r.speedup !== undefined ? `${fmt(r.speedup)}x` : "-")),
      scalesTo === undefined || points[0].speedup === undefined ? "-" : String(scalesTo),
      best?.speedup === undefined ? "-" : `${best.workers} (${fmt(best.speedup)}x)`,
      mads.length === 0 ? "-" : `${(Math.max(...mads) * 100).toFixed(1)}%`,
    ];
  });
  const textColumns = new Set([0, 1, 2]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((l) => l[i].length)));
  const line = (cells) => cells.map((c, i) => (textColumns.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const over = workerCounts.filter((w) => w > cpus);
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
    "",
    "N w = median at N workers (every unit lower is better); xN = median at 1 worker / median at N (> 1: faster).",
    `scales to = the most workers reached by steps that each made it at least ${PAYING_STEP}x faster than the previous count;`,
    "best = the count with the highest speed-up. max ±MAD = the noisiest of the row's medians (above 10 %: rerun).",
    over.length > 0
      ? `This machine has ${cpus} CPUs: at ${over.join(", ")} workers the workers share cores (and the main thread, and the OS).`
      : `This machine has ${cpus} CPUs: every worker count fits.`,
  ];
}
