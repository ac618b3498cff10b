#!/usr/bin/env node
// Browser vs Node for the same benchmarks on this machine: `node bench/web/compare.js [--quick] [--only a,b]`.
// For each benchmark in turn, runs the Node harness (bench/run.js, one child process per variant) and then the
// benchmark page in headless Chromium (Debian's /usr/bin/chromium), so the two runs of a pair are close in time on a
// noisy machine. Prints medians side by side and browser/node ratios; `--json FILE` also writes them.
// Backends: a browser Asyncify row pairs with the Node variant of the same name (the node that runs this script) and
// with its `-asyncify-n25` twin on Node 25; a browser JSPI row with the `-jspi-n25` variant (Node 20 has no JSPI; the
// benchmarks with such variants are those benchmarks.js gives Node 25 twins: the ping-pongs, skynet, fanout-cpu).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { startServer, buildWebGuests } from "./server.js";

const run = promisify(execFile);

/** The Node variants (bench/run.js records) that run what a browser row runs. */
function nodeNames(w) {
  if (w.kind !== "vthreads") return [w.variant, `${w.variant}-n25`];
  return w.backend === "jspi" ? [`${w.variant}-jspi-n25`] : [w.variant, `${w.variant}-asyncify-n25`];
}
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT = ["pingpong-depth1", "pingpong-depth20", "skynet", "spawn-flat", "fanout-cpu", "pingpong-cross"];

const argv = process.argv.slice(2);
const value = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const quick = argv.includes("--quick");
const only = value("--only")?.split(",") ?? DEFAULT;
const jsonOut = value("--json");
const chromiumPath = process.env.VTHREADS_CHROMIUM ?? "/usr/bin/chromium";

await buildWebGuests();
const server = await startServer({ port: 0 });
const profile = await mkdtemp(path.join(tmpdir(), "vthreads-compare-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const browserVersion = context.browser()?.version() ?? "unknown";
const rows = [];
try {
  for (const name of only) {
    const nodeJson = path.join(profile, `${name}.json`);
    await run(process.execPath, [path.join(HERE, "..", "run.js"), "--only", name, "--json", nodeJson, ...(quick ? ["--quick"] : [])], { maxBuffer: 1 << 24 });
    const nodeRecords = JSON.parse(await readFile(nodeJson, "utf8")).filter((r) => r.benchmark === name);
    const page = await context.newPage();
    await page.goto(`${server.url}/bench/web/?suite=${quick ? "quick" : "full"}&only=${name}&reps=${quick ? 2 : 5}&warmup=${quick ? 0 : 1}`);
    await page.waitForFunction(() => ["done", "error"].includes(window.vthreadsBench?.state), undefined, { timeout: 0, polling: 500 });
    const web = await page.evaluate(() => window.vthreadsBenchJson());
    await page.close();
    if (web.error) throw new Error(`the page failed: ${web.error}`);
    for (const w of web.results.filter((r) => r.benchmark === name && r.status === "ok")) {
      for (const n of nodeRecords.filter((r) => r.workers === w.workers && nodeNames(w).includes(r.variant))) {
        rows.push({
          benchmark: name, variant: w.variant, backend: w.backend, workers: w.workers, unit: w.unit, nodeVersion: n.node,
          node: n.median, browser: w.median, browserOverNode: w.median / n.median,
        });
      }
    }
  }
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}

const fmt = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
console.log(`\nBrowser (Chromium ${browserVersion}) vs Node (${process.version}, and Node 25 for the *-n25 variants), ${quick ? "quick" : "full"} sizes; medians; ratio = browser / node`);
console.log("| benchmark | variant | backend | workers | unit | node | node median | browser median | browser/node |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(`| ${r.benchmark} | ${r.variant} | ${r.backend} | ${r.workers} | ${r.unit} | ${r.nodeVersion} | ${fmt(r.node)} | ${fmt(r.browser)} | ${r.browserOverNode.toFixed(2)} |`);
}
if (jsonOut) await writeFile(jsonOut, `${JSON.stringify({ browser: browserVersion, node: process.version, quick, rows }, null, 2)}\n`);
