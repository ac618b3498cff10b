// `run.js --scaling`: the speed-up arithmetic and the bend of the curve (bench/scaling.js), the option checks, and one
// real run at 1 and 2 workers whose JSON carries the speed-ups.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addSpeedups, bend, scalingLines, PAYING_STEP } from "../../bench/scaling.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUN = path.join(REPO, "bench", "run.js");
const exec = promisify(execFile);

type Row = { benchmark: string; variant: string; workers: number; unit: string; status: string; median: number; mad: number; speedup?: number };
const row = (workers: number, median: number, status = "ok"): Row =>
  ({ benchmark: "b", variant: "vthreads", workers, unit: "ms", status, median, mad: 0.01 });

describe("speed-ups", () => {
  it("are the 1-worker median over each count's median, and 1 at 1 worker", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 6 }), (medians) => {
        const rows = medians.map((m, i) => row(2 ** i, m));
        addSpeedups(rows);
        expect(rows[0].speedup).toBe(1);
        rows.forEach((r) => expect(r.speedup).toBeCloseTo(medians[0] / r.median, 9));
      }),
    );
  });

  it("are absent when the 1-worker variant failed (nothing to compare with)", () => {
    const rows = [row(1, 0, "failed"), row(2, 5)];
    addSpeedups(rows);
    expect(rows[1].speedup).toBeUndefined();
  });
});

describe("where the curve bends", () => {
  const points = (speedups: (number | undefined)[]) => speedups.map((speedup, i) => ({ workers: 2 ** i, speedup }));

  it("perfect scaling scales to the last count; a flat curve stays at 1; a failed count ends the curve", () => {
    expect(bend(points([1, 2, 4, 8]))).toEqual({ scalesTo: 8, best: { workers: 8, speedup: 8 } });
    expect(bend(points([1, 1.02, 0.9, 0.5])).scalesTo).toBe(1);
    expect(bend(points([1, 1.9, undefined, 3]))).toEqual({ scalesTo: 2, best: { workers: 2, speedup: 1.9 } });
  });

  it("every step up to scalesTo paid, the next one did not, and best is the highest speed-up", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }), (rest) => {
        const p = points([1, ...rest]);
        const { scalesTo, best } = bend(p);
        const k = p.findIndex((x) => x.workers === scalesTo);
        for (let i = 1; i <= k; i++) expect(p[i].speedup!).toBeGreaterThanOrEqual(p[i - 1].speedup! * PAYING_STEP);
        if (k + 1 < p.length) expect(p[k + 1].speedup!).toBeLessThan(p[k].speedup! * PAYING_STEP);
        expect(best.speedup).toBe(Math.max(...p.map((x) => x.speedup!)));
      }),
    );
  });

  it("the table names a failed count instead of a number and says which counts oversubscribe the machine", () => {
    const lines: string[] = scalingLines([row(1, 10), row(2, 5), row(4, 0, "failed")], [1, 2, 4], 2);
    const line = lines.find((l) => l.startsWith("b "))!;
    expect(line).toContain("FAILED");
    expect(line).toContain("2.00x");
    expect(lines.join("\n")).toContain("at 4 workers the workers share cores");
  });

  it("a speed-up far below 1 keeps its digits instead of printing 0.00x", () => {
    const lines: string[] = scalingLines([row(1, 40), row(2, 10_000)], [1, 2], 2);
    expect(lines.find((l) => l.startsWith("b "))).toContain("0.0040x");
  });
});

describe("run.js --scaling options", () => {
  const fails = async (args: string[]) => {
    const err = await exec(process.execPath, [RUN, ...args], { cwd: REPO }).then(() => null, (e) => e);
    expect(err, `run.js ${args.join(" ")} should fail`).not.toBeNull();
    expect(err.code).toBe(2);
    return String(err.stderr);
  };

  it("refuses worker lists without 1, with zero or junk, and --scaling with --baselines-only or a non-scaling benchmark", async () => {
    expect(await fails(["--workers", "2,4"])).toContain("must include 1");
    expect(await fails(["--workers", "1,0"])).toContain("bad: 0");
    expect(await fails(["--workers", "1,two"])).toContain("bad: two");
    expect(await fails(["--scaling", "--baselines-only"])).toContain("excludes --baselines-only");
    expect(await fails(["--scaling", "--only", "pingpong-depth1"])).toContain("no such scaling benchmark");
  });
});

describe("a scaling run", () => {
  it("runs spawn-flat at 1 and 2 workers, checks the results, and writes records with the speed-up", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "vthreads-scaling-"));
    try {
      const json = path.join(dir, "scaling.json");
      const { stdout } = await exec(
        process.execPath,
        [RUN, "--scaling", "--workers", "1,2", "--only", "spawn-flat", "--quick", "--reps", "1", "--warmup", "0", "--json", json],
        { cwd: REPO, maxBuffer: 1 << 24 },
      );
      expect(stdout).toMatch(/scales to/);
      const records = JSON.parse(await readFile(json, "utf8"));
      expect(records.map((r: { benchmark: string; variant: string; workers: number }) => `${r.benchmark}/${r.variant}/${r.workers}`))
        .toEqual(["spawn-flat/vthreads/1", "spawn-flat/vthreads/2"]);
      const [one, two] = records;
      expect(one.speedup).toBe(1);
      expect(two.speedup).toBeCloseTo(one.median / two.median, 3);
      expect(one.params).toEqual({ n: 100_000 });
      expect(one.backend).toBe("asyncify");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
