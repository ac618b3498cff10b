// `npm start`: builds the demo guest, starts a local HTTP server, and runs the essay's download_all for real on
// several workers that share one memory: once to completion, once with a page that fails.
import os from "node:os";
import { pathToFileURL, fileURLToPath } from "node:url";
import { build } from "vthreads/toolchain";
import { startPageServer } from "./page-server.js";

const out = await build({ entry: fileURLToPath(new URL("./demo.ts", import.meta.url)), outDir: "build/examples" });
// The generated bindings: typed async functions, one per guest export.
const { load } = await import(pathToFileURL(out.bindingsPath).href);
const workers = Math.max(2, os.availableParallelism());
const server = await startPageServer({ slowEvery: 10, slowMs: 60, delayMs: 5 });
const app = await load({ workers, allow: { net: [server.url] } }); // the guest may fetch from this server only
const N = 300;
console.log(`vthreads demo: ${workers} workers, one shared memory; pages served by ${server.url}` +
  ` (5 ms each, every 10th 60 ms)\n`);

console.log(`download_all(${N} URLs): ThreadGroup(max_concurrency = 8), results in a Mutex`);
let t = performance.now();
const summary = await app.downloadAll(server.url, N);
console.log(`-> ${summary} in ${(performance.now() - t).toFixed(0)} ms; the server saw at most` +
  ` ${server.state.maxActive} requests at once (one at a time would take ~${N * 5 + (N / 10) * 55} ms)\n`);

server.reset();
server.state.failAt = 120;
console.log(`download_all(${N} URLs) again, page 120 failing on request:`);
try {
  await app.downloadAll(server.url, N);
} catch (e) {
  console.log(`-> failed: ${e.reason}`);
}
while (server.state.active > 0) await new Promise((r) => setTimeout(r, 5));
const { served, aborted } = server.state;
console.log(`   the failure cancelled the rest: ${served} pages served, ${aborted} requests aborted in flight,` +
  ` ${N - served - aborted - 1} never requested\n`);

t = performance.now();
const ms = await app.crowd(20000, 5);
const stats = app.runtime.schedulerStats();
console.log(`crowd(20000, 5): 20,000 threads computing and yielding, done in ${ms.toFixed(0)} ms;` +
  ` thread switches per worker [${stats.switches.join(", ")}], migrations [${stats.migrations.join(", ")}]`);

await app.close();
await server.close();
