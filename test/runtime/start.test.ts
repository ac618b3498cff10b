// Starting runtimes: every kind of module source, the default number of workers, and two runtimes of one module side
// by side, each with its own memory. Guest: test/guests/basics.ts.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Runtime } from "../../dist/host/index.js";
import { REPO_ROOT, TEST_TIMEOUT, callWithin, start, stop, withRuntime, useGuest } from "./helpers.js";

const wasm = useGuest("basics", "start");

describe("Runtime.start", () => {
  it("accepts a path, a file: URL, a Uint8Array, a Node Buffer, an ArrayBuffer, a DataView and a compiled WebAssembly.Module", async () => {
    const bytes = await readFile(wasm());
    const copy = new Uint8Array(bytes);
    const sources: [string, unknown][] = [
      ["path", wasm()],
      ["file URL", pathToFileURL(wasm())],
      ["Uint8Array", copy],
      ["Buffer", bytes],
      ["ArrayBuffer", copy.buffer.slice(0)],
      ["DataView", new DataView(copy.buffer)],
      ["WebAssembly.Module", await WebAssembly.compile(copy)],
    ];
    for (const [what, source] of sources) {
      const rt = await Runtime.start(source as never, { workers: 1 });
      try {
        expect({ what, result: await callWithin(rt, 20, "add", 2, 0.5) }).toEqual({ what, result: 2.5 });
        expect(rt.workerCount).toBe(1);
        expect(rt.manifest.exports.map((e) => e.name)).toContain("fanOut");
      } finally {
        await stop(rt);
      }
    }
  }, TEST_TIMEOUT);

  it("without a worker count, starts one worker per available core (at most 64)", async () => {
    const rt = await Runtime.start(wasm());
    try {
      expect(rt.workerCount).toBe(Math.min(64, Math.max(1, availableParallelism())));
      expect(rt.schedulerStats().switches).toHaveLength(rt.workerCount);
      expect(await callWithin(rt, 20, "fanOut", 100)).toBe(9900n);
    } finally {
      await stop(rt);
    }
  }, TEST_TIMEOUT);

  it("two runtimes of the same module share nothing: separate memories, thread ids and counters", async () => {
    const a = await start(wasm(), 2);
    const b = await start(wasm(), 2);
    try {
      expect(a.memory).not.toBe(b.memory);
      const [ra, rb] = await Promise.all([callWithin(a, 20, "fanOut", 1000), callWithin(b, 20, "fanOut", 10)]);
      expect([ra, rb]).toEqual([999_000n, 90n]);
      expect(a.schedulerStats().spawned).toBe(1001);
      expect(b.schedulerStats().spawned).toBe(11);
      // Each runtime numbers its threads from 1 (its workers take ids in batches): b's 12th thread is numbered far
      // below the 1,001 that a has used, which a shared counter would have passed.
      const id = (await callWithin(b, 20, "myId")) as number;
      expect(id).toBeGreaterThanOrEqual(12);
      expect(id).toBeLessThan(1000);
    } finally {
      await stop(a);
      await stop(b);
    }
  }, TEST_TIMEOUT);

  it("a 64-worker runtime starts, runs 10,000 threads correctly, and closes", async () => {
    await withRuntime(wasm(), 64, async (rt) => {
      expect(rt.workerCount).toBe(64);
      expect(await callWithin(rt, 40, "fanOut", 10_000)).toBe(10_000n * 9_999n);
    });
  }, TEST_TIMEOUT);
});

/** Runs `code` (an ES module) in a fresh Node process with the wasm path as argv[2]; resolves with its stdout. */
async function runScript(name: string, code: string): Promise<{ stdout: string; ms: number }> {
  const file = path.join(REPO_ROOT, "build", "test", "start", `${name}.mjs`);
  await writeFile(file, code);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, wasm()], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${name}: ${err.killed ? "still running after 30 s (killed)" : err.message}\n${stderr}`));
      else resolve({ stdout, ms: performance.now() - t0 });
    });
  });
}

const hostUrl = pathToFileURL(path.join(REPO_ROOT, "dist", "host", "index.js")).href;

describe("process lifetime without close()", () => {
  it("a script that starts a runtime, gets a result and never calls close() exits by itself", async () => {
    const { stdout } = await runScript(
      "forgotten-close",
      `import { Runtime } from ${JSON.stringify(hostUrl)};
const rt = await Runtime.start(process.argv[2], { workers: 2 });
console.log("result", String(await rt.call("fanOut", 100)));`,
    );
    expect(stdout).toBe("result 9900\n");
  }, TEST_TIMEOUT);

  it("a call in flight keeps the process alive until its result arrives (nothing else keeps it alive)", async () => {
    const { stdout } = await runScript(
      "call-in-flight",
      `import { Runtime } from ${JSON.stringify(hostUrl)};
const rt = await Runtime.start(process.argv[2], { workers: 2 });
rt.call("sleepFor", 300).then((slept) => console.log("slept", slept >= 300));`,
    );
    expect(stdout).toBe("slept true\n");
  }, TEST_TIMEOUT);
});
