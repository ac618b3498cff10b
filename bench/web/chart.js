// A horizontal bar chart in SVG: one bar per variant of a benchmark, the baseline drawn in grey. No library.

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** bars: [{ label, value, baseline }] (value > 0); unit: shown after each value. */
export function barChart(title, unit, bars) {
  const rowH = 22, labelW = 210, valueW = 90, width = 640, top = 24;
  const barW = width - labelW - valueW;
  const max = Math.max(...bars.map((b) => b.value), 1e-9);
  const svg = el("svg", { width, height: top + rowH * bars.length + 6, viewBox: `0 0 ${width} ${top + rowH * bars.length + 6}`, role: "img" });
  svg.append(el("text", { x: 0, y: 15, class: "chart-title" }, `${title} (${unit}, lower is better)`));
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const w = Math.max(1, (b.value / max) * barW);
    svg.append(el("text", { x: labelW - 6, y: y + 15, "text-anchor": "end", class: "chart-label" }, b.label));
    svg.append(el("rect", { x: labelW, y: y + 3, width: w, height: rowH - 7, class: b.baseline ? "bar baseline" : "bar" }));
    svg.append(el("text", { x: labelW + w + 4, y: y + 15, class: "chart-value" }, formatNumber(b.value)));
  });
  return svg;
}

export function formatNumber(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return "-";
  if (Math.abs(x) >= 1000) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}
