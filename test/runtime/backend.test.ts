// Choosing the backend (host/runtime/backend.ts), and the JSPI backend's limit on stacks. Runs in both suite runs:
// on Node 20 (no JSPI in the engine) and on Node 25 (JSPI); each test says what it expects of the engine it is on.
import path from "node:path";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime, engineHasJspi, ModuleError, ThreadFailure } from "../../dist/host/index.js";
import { build, BuildError } from "../../dist/host/toolchain.js";
import { REPO_ROOT, TEST_TIMEOUT, closeAll, rejectionOf, stop, until } from "./helpers.js";

let modules: { asyncify: string; jspi: string };
beforeAll(async () => {
  const out = await build({
    entry: path.join(REPO_ROOT, "test", "guests", "basics.ts"),
    outDir: path.join(REPO_ROOT, "build", "test", "backend"),
  });
  modules = { asyncify: out.modules.asyncify!, jspi: out.modules.jspi! };
}, 120_000);
afterAll(closeAll);

const JSPI = engineHasJspi();

describe("choosing the backend", () => {
  it("build() writes <name>.wasm and <name>.jspi.wasm, each with its backend in the manifest", async () => {
    expect(path.basename(modules.asyncify)).toBe("basics.wasm");
    expect(path.basename(modules.jspi)).toBe("basics.jspi.wasm");
    const err = await rejectionOf(build({ entry: path.join(REPO_ROOT, "test", "guests", "basics.ts"), backends: ["wasm2c" as never] }));
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toMatch(/backends must be a non-empty list of "asyncify" and "jspi", got \["wasm2c"\]/);
  });

  it("an unknown backend is refused, naming it", async () => {
    const err = await rejectionOf(Runtime.start(modules.asyncify, { workers: 1, backend: "fibers" as never }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/backend must be "asyncify", "jspi" or "auto", got "fibers"/);
  });

  it("auto on x.wasm picks Asyncify and says why; the call runs", async () => {
    const rt = await Runtime.start(modules.asyncify, { workers: 1 });
    try {
      expect(rt.backend).toBe("asyncify");
      expect(rt.backendReason).toMatch(/^auto: Asyncify, which holds millions of threads/);
      expect(await rt.call("fanOut", 100)).toBe(9900n);
    } finally {
      await stop(rt);
    }
  }, TEST_TIMEOUT);

  it("JSPI asked for: runs x.jspi.wasm where the engine has JSPI, and says clearly when it has not", async () => {
    if (!JSPI) {
      const err = await rejectionOf(Runtime.start(modules.asyncify, { workers: 1, backend: "jspi" }));
      expect(err).toBeInstanceOf(ModuleError);
      expect(err.message).toMatch(/backend "jspi": this engine has no JSPI \(it needs Node 25 or later, Chromium 137 or later, or Firefox 153 or later\)/);
      return;
    }
    const rt = await Runtime.start(modules.asyncify, { workers: 2, backend: "jspi" }); // finds basics.jspi.wasm beside it
    try {
      expect(rt.backend).toBe("jspi");
      expect(await rt.call("fanOut", 100)).toBe(9900n);
      expect(await rt.call("greet", "jspi")).toBe("hello, jspi");
    } finally {
      await stop(rt);
    }
  }, TEST_TIMEOUT);

  it("a module given as bytes runs on the backend it was built for; asking for the other one is refused", async () => {
    const bytes = await readFile(modules.asyncify);
    const err = await rejectionOf(Runtime.start(bytes, { workers: 1, backend: "jspi" }));
    expect(err.message).toMatch(JSPI ? /backend "jspi": this module was built for asyncify/ : /this engine has no JSPI/);
    const rt = await Runtime.start(bytes, { workers: 1 });
    try {
      expect(rt.backend).toBe("asyncify");
      expect(rt.backendReason).toBe("auto: the module was built for asyncify");
    } finally {
      await stop(rt);
    }
  }, TEST_TIMEOUT);

  it("a bad jspiStackLimit is refused, naming it", async () => {
    const err = await rejectionOf(Runtime.start(modules.asyncify, { workers: 1, jspiStackLimit: 0 }));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/jspiStackLimit must be a positive integer, got 0/);
  });
});

describe.runIf(JSPI)("the JSPI backend's limit on stacks", () => {
  it("a thread started beyond jspiStackLimit fails with a message naming the limit; the runtime goes on", async () => {
    const rt = await Runtime.start(modules.jspi, { workers: 1, backend: "jspi", jspiStackLimit: 20 });
    try {
      // fanOut(100): 100 children that each yield once, so all of them hold a stack at the same time
      const err = await rejectionOf(rt.call("fanOut", 100));
      expect(err).toBeInstanceOf(ThreadFailure);
      expect(err.message).toMatch(/cannot start the thread: the JSPI backend holds at most 20 threads with a stack \(RuntimeOptions\.jspiStackLimit\)/);
      expect(await rt.call("fanOut", 10)).toBe(90n); // every stack of the failed call was given back
      // (the root's record is freed just after its result is posted)
      await until(() => rt.schedulerStats().liveThreads === 0, 5, "every thread to end");
    } finally {
      await stop(rt);
    }
  }, TEST_TIMEOUT);
});
