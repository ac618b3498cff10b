// One step of the parked-limit ladder (bench/vthreads/parked-limit.js), in its own process: start a runtime on one
// worker with the asked backend, park n threads at once (bench/guest/parked-bytes.ts: n waiters blocked on one
// future at call depth 1, counted by polling parkedCount()), read the memory while all n are parked, release them,
// check the result, reply { ok, heapBytes, rssBytes, ms } (differences to before the parking) and exit.
// A failure the runtime reports is replied as { ok: false, error }; a crash (V8 aborting when it cannot map another
// JSPI stack) kills this process, and the parent reads the reason from its stderr.
import { startRuntime } from "./host.js";
import { heapBytes } from "./stats.js";
import { parkRelease } from "./parked-bytes.js";

async function step({ wasmPath, backend, n }) {
  const rt = await startRuntime(wasmPath, 1, { backend });
  try {
    if (rt.backend !== backend) throw new Error(`asked for ${backend}, runs ${rt.backend} (${rt.backendReason})`);
    // one small run first, so that the worker's own start-up memory is not counted as the threads'
    await parkRelease(rt, 10);
    if (typeof rt.collect === "function") await rt.collect();
    const heap0 = heapBytes(rt);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    let during = null;
    const value = await parkRelease(rt, n, () => {
      during = { heap: heapBytes(rt), rss: process.memoryUsage().rss };
    });
    const ms = performance.now() - t0;
    if (Number(value) !== n) throw new Error(`parkAll(${n}) returned ${value}, expected ${n}`);
    return { ok: true, n, heapBytes: during.heap - heap0, rssBytes: during.rss - rss0, ms };
  } finally {
    await rt.close();
  }
}

if (typeof process.send === "function" && process.argv.includes("--parked-limit-step")) {
  process.once("message", async (job) => {
    let reply;
    try {
      reply = await step(job);
    } catch (err) {
      reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    process.send(reply, () => process.exit(0));
  });
}
