// Shared statistics for the benchmark harness. Plain ESM JavaScript, no dependencies.

/** @param {number[]} xs */
function sorted(xs) {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error("statistics of an empty sample");
  for (const x of xs) {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new Error(`not a finite number in sample: ${x}`);
  }
  return [...xs].sort((a, b) => a - b);
}

/** Median (mean of the two middle values for an even count). */
export function median(xs) {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(xs) {
  return sorted(xs)[0];
}

export function max(xs) {
  const s = sorted(xs);
  return s[s.length - 1];
}

export function mean(xs) {
  const s = sorted(xs);
  return s.reduce((a, b) => a + b, 0) / s.length;
}

/** Sample standard deviation (n - 1); 0 for a single sample. */
export function stddev(xs) {
  const s = sorted(xs);
  if (s.length < 2) return 0;
  const m = mean(s);
  return Math.sqrt(s.reduce((a, x) => a + (x - m) * (x - m), 0) / (s.length - 1));
}

/** Median absolute deviation relative to the median, a robust spread (0.05 = 5 %). */
export function relativeMad(xs) {
  const med = median(xs);
  if (med === 0) return 0;
  return median(xs.map((x) => Math.abs(x - med))) / Math.abs(med);
}

/** Ratio of a value to a baseline, or undefined when the baseline is missing or zero. */
export function ratio(value, baseline) {
  if (typeof baseline !== "number" || !Number.isFinite(baseline) || baseline === 0) return undefined;
  return value / baseline;
}

/** Round to a number of significant digits for display/records (keeps small ns values readable). */
export function round(x, digits = 4) {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.pow(10, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}
