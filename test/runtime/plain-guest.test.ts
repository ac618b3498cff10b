// A guest that never blocks (no yield, sleep, join or get anywhere) must build and run like any other: every call is
// still a root virtual thread, it just never suspends. Guest: test/guests/plain.ts.
// (Regression: nothing in such a program reaches `__vt_suspend`, so asc drops it, and the toolchain once took its
// absence for a module built without the runtime.)
import path from "node:path";
import { describe, expect, it } from "vitest";
import { build } from "../../dist/host/toolchain.js";
import { REPO_ROOT, TEST_TIMEOUT, callWithin, withRuntime } from "./helpers.js";

describe("a guest that never blocks", () => {
  it("builds, and its exports run on 1 and 2 workers (add, fib, threadId)", async () => {
    const out = await build({
      entry: path.join(REPO_ROOT, "test", "guests", "plain.ts"),
      outDir: path.join(REPO_ROOT, "build", "test", "plain"),
    });
    expect(out.manifest.exports.map((e) => e.name)).toEqual(["add", "fib", "myId"]);
    for (const workers of [1, 4]) {
      await withRuntime(out.wasmPath, workers, async (rt) => {
        expect(await callWithin(rt, 20, "add", 2, 3)).toBe(5);
        expect(await callWithin(rt, 20, "fib", 90)).toBe(2880067194370816120n);
        expect(await callWithin(rt, 20, "myId")).toBeGreaterThan(0);
      });
    }
  }, TEST_TIMEOUT);
});
