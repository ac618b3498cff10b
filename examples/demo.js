// `npm start`: builds the demo guest and runs it on several workers that share one memory.
import os from "node:os";
import { pathToFileURL, fileURLToPath } from "node:url";
import { build } from "vthreads";

const out = await build({ entry: fileURLToPath(new URL("./demo.ts", import.meta.url)), outDir: "build/examples" });
// The generated bindings: typed async functions, one per guest export.
const { load } = await import(pathToFileURL(out.bindingsPath).href);
const workers = Math.max(2, os.availableParallelism());
const app = await load({ workers });
console.log(`vthreads demo: ${workers} workers, one shared memory\n`);

let t = performance.now();
const total = await app.downloadAll(500);
console.log(`downloadAll(500): 500 virtual threads each "downloading" (sleeping 5-44 ms) -> total size ${total}` +
  ` in ${(performance.now() - t).toFixed(0)} ms (sequentially it would take ~12 s)`);

t = performance.now();
const ms = await app.crowd(20000, 5);
const stats = app.runtime.schedulerStats();
console.log(`crowd(20000, 5): 20,000 threads computing and yielding, done in ${ms.toFixed(0)} ms;` +
  ` thread switches per worker [${stats.switches.join(", ")}], migrations [${stats.migrations.join(", ")}]`);

try {
  await app.downloadWithFailure(8);
} catch (e) {
  console.log(`downloadWithFailure(8): rejected as expected -> ${e.message}`);
}

const mem = app.runtime.memoryStats();
console.log(`\nheap in use: ${(mem.heapBytes / 2 ** 20).toFixed(1)} MiB of ${(mem.memoryBytes / 2 ** 20).toFixed(1)} MiB shared memory` +
  ` (thread records and stacks are recycled; guest objects are not collected yet)`);
await app.close();
