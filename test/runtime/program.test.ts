// One program, many threads: module variables, static fields and namespace variables are shared by every thread on
// every worker; top-level code runs once per runtime; std is safe from any thread; a thread that migrates keeps
// seeing the same variables; objects held only by module variables survive collections. Each behaviour on 1 and
// on 4 (or more) workers. Guest: test/guests/program.ts (host functions: program-host.mjs).
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BACKEND, REPO_ROOT, TEST_TIMEOUT, callWithin, rejectionOf, sharedRuntime, start, withRuntime, useGuest,
} from "./helpers.js";
import { Runtime } from "../../dist/host/index.js";
import { build } from "../../dist/host/toolchain.js";

const HOST_MODULE = path.join(REPO_ROOT, "test", "guests", "program-host.mjs");

const wasm = useGuest("program");

describe("module variables are one per program", () => {
  for (const workers of [1, 2, 4, 8]) {
    it(`a module-level Mutex counts 10000, 20000, 30000 over three calls of 100 threads x 100 (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        const seen: unknown[] = [];
        for (let i = 0; i < 3; i++) seen.push(await callWithin(rt, 60, "run", 100, 100));
        expect(seen).toEqual([10000, 20000, 30000]);
      });
    }, TEST_TIMEOUT);
  }

  for (const workers of [1, 4]) {
    describe(`${workers} worker(s)`, () => {
      const rt = sharedRuntime(wasm, workers, { hostModule: HOST_MODULE });

      it("top-level code ran exactly once, and the variables it set are seen by every call", async () => {
        expect(await rt().call("topLevelRuns")).toBe(1);
        for (let i = 0; i < 8; i++) expect(await rt().call("topLevelValue")).toBe(42);
      }, TEST_TIMEOUT);

      it("static class fields and namespace variables are shared: 40 threads x 10 locked updates all land", async () => {
        expect(await callWithin(rt(), 60, "statics", 40)).toBe("400 800 40");
      }, TEST_TIMEOUT);

      it("the essay's download_all into a module-level Mutex<Map<string, string>> keeps every entry", async () => {
        expect(await callWithin(rt(), 60, "downloadAll", 300)).toBe(300);
      }, TEST_TIMEOUT);

      it("atomic cells as module variables count exactly without a lock (16 threads x 2000)", async () => {
        expect(await callWithin(rt(), 60, "atomics", 16, 2000)).toBe(`32000 96000 1`);
      }, TEST_TIMEOUT);

      it("Symbol.for has one registry: the same key gives the same symbol from any thread", async () => {
        expect(await callWithin(rt(), 60, "symbolRegistry", 16)).toBe(16 * 50);
      }, TEST_TIMEOUT);

      it("Math.random from 16 threads at once stays in [0, 1)", async () => {
        expect(await callWithin(rt(), 60, "randomFromThreads", 16, 2000)).toBe(16 * 2000);
      }, TEST_TIMEOUT);
    });
  }
});

describe("std on many workers", () => {
  it("a million float, integer and string conversions from 8 threads on 4 workers are all exact", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      // 8 threads x 31,250 rounds x 4 conversions = 1,000,000
      expect(await callWithin(rt, 120, "conversions", 8, 31_250)).toBe(0);
    });
  }, 180_000);

  for (const workers of [1, 4]) {
    it(`trigonometry of large arguments, sincos, pow and Date from 8 threads give each thread its one-thread result (${workers} worker(s))`, async () => {
      await withRuntime(wasm(), workers, async (rt) => {
        expect(await callWithin(rt, 120, "stdScratchFromThreads", 8, 5_000)).toBe(8);
      });
    }, TEST_TIMEOUT);
  }

  it("Math.random seeded by the program gives the same sequence on 1 and on 4 workers", async () => {
    const one = await withRuntime(wasm(), 1, (rt) => callWithin(rt, 60, "seeded", 42n, 500));
    const four = await withRuntime(wasm(), 4, (rt) => callWithin(rt, 60, "seeded", 42n, 500));
    expect(four).toBe(one);
  }, TEST_TIMEOUT);
});

// A JSPI stack stays on the worker that created it: threads do not migrate there.
describe.runIf(BACKEND === "asyncify")("migration", () => {
  it("a thread that writes a module variable, migrates to another worker and reads it, sees its own write", async () => {
    const rt = await start(wasm(), 4, { hostModule: HOST_MODULE });
    try {
      let migrated = false;
      for (let attempt = 0; attempt < 10 && !migrated; attempt++) {
        const [did, readBack] = String(await callWithin(rt, 60, "migrateAndRead", 1234567890123n + BigInt(attempt))).split(" ");
        migrated = did === "true";
        expect(readBack).toBe(String(1234567890123n + BigInt(attempt)));
      }
      expect(migrated).toBe(true);
    } finally {
      await rt.close();
    }
  }, TEST_TIMEOUT);
});

describe("the collector and module variables", () => {
  it("a graph held only by a module variable survives forced collections on 4 workers", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const sum = await callWithin(rt, 60, "buildGraph");
      const before = rt.memoryStats().gc.collections;
      for (let i = 0; i < 3; i++) {
        await rt.collect();
        expect(await callWithin(rt, 60, "churnThenSum", 8, 40_000)).toBe(sum);
      }
      expect(rt.memoryStats().gc.collections).toBeGreaterThan(before + 3);
    });
  }, 120_000);

  it("a module-level Map of arrays rewritten by threads on 4 workers while collections run stays intact", async () => {
    await withRuntime(wasm(), 4, async (rt) => {
      const before = rt.memoryStats().gc.collections;
      for (let i = 0; i < 3; i++) {
        expect(await callWithin(rt, 60, "churnTable", 8)).toBe(64);
        await rt.collect();
      }
      expect(rt.memoryStats().gc.collections).toBeGreaterThan(before + 2);
    });
  }, 120_000);
});

describe("top-level code that fails", () => {
  const failing = useGuest("program-fails");

  for (const workers of [1, 4]) {
    it(`fails Runtime.start with the message and the location (${workers} worker(s))`, async () => {
      const e = await rejectionOf(Runtime.start(failing(), { backend: BACKEND, workers }));
      expect(e.message).toMatch(/top-level code failed/);
      expect(e.message).toMatch(/the configuration is missing a name/);
      expect(e.message).toMatch(/program-fails\.ts:\d+:\d+/);
    }, TEST_TIMEOUT);
  }
});

describe("the build", () => {
  it("places every guest module variable in shared memory and keeps the runtime's per worker", async () => {
    const out = await build({
      entry: path.join(REPO_ROOT, "test", "guests", "program.ts"),
      outDir: path.join(REPO_ROOT, "build", "test", "program-build"),
      backends: [BACKEND],
    });
    const bytes = new Uint8Array(await (await import("node:fs/promises")).readFile(out.modules[BACKEND]!));
    // The guest's variables are gone from the globals: no global's name mentions the guest file.
    const names = new TextDecoder().decode(bytes);
    expect(names).not.toMatch(/guests\/program\/(plain|marker|graph|initialisedAtTopLevel)/);
    expect(names).toMatch(/vthreads\/scheduler\/local\/current/);
  }, TEST_TIMEOUT);
});
