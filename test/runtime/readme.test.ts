// The README's example, as a user would run it: the guest is taken from README.md, built with the CLI, and called
// through the generated typed bindings (load()), not through Runtime.call.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, TEST_TIMEOUT, until } from "./helpers.js";

const run = promisify(execFile);

describe("the README's example", () => {
  it("builds with `vthreads build` and runs 10,000 sleeping threads through the generated bindings", async () => {
    const readme = await readFile(path.join(REPO_ROOT, "README.md"), "utf8");
    const guest = /```ts\n\/\/ app\.ts \(AssemblyScript\)\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(guest, "README.md has the app.ts example").toBeTruthy();
    const dir = path.join(REPO_ROOT, "build", "test", "readme");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "app.ts"), guest!);

    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, "dist/host/cli.js"), "build", "app.ts", "-o", "build"], { cwd: dir });
    expect(stdout).toMatch(/^built build\/app\.wasm \(1 exports\)/);

    const { load } = await import(pathToFileURL(path.join(dir, "build", "app.js")).href);
    const app = await load({ workers: 4 });
    try {
      expect(await app.downloadAll(10_000)).toBe(59_995_000n); // sum of 1000 + i, as the README says
      // The root's record is freed just after its result is posted: wait for it rather than race it.
      await until(() => app.runtime.schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
    } finally {
      await app.close();
    }
  }, TEST_TIMEOUT);
});
