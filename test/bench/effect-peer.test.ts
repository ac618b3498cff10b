// Effect's fibers as a peer (bench/baselines/effect.js): both forms compute the checked skynet and spawn-flat sums
// (each throws on a wrong one), and the registry runs them on exactly the trees and counts of the async/await rows.
import { describe, expect, it } from "vitest";
import { benchmarks } from "../../bench/benchmarks.js";
import * as effect from "../../bench/baselines/effect.js";

describe("Effect peer", () => {
  it.each(["skynetEffectForEach", "skynetEffectForkJoin"])("%s builds the whole tree and gets the skynet sum", async (name) => {
    const ms = await (effect as Record<string, (p: object) => Promise<number>>)[name]({ size: 1000, div: 10 });
    expect(Number.isFinite(ms) && ms > 0).toBe(true);
  }, 60_000);

  it.each(["spawnFlatEffectForEach", "spawnFlatEffectForkJoin"])("%s forks n fibers and gets n(n-1)/2", async (name) => {
    const ns = await (effect as Record<string, (p: object) => Promise<number>>)[name]({ n: 2000 });
    expect(Number.isFinite(ns) && ns > 0).toBe(true);
  }, 60_000);

  it("sits beside async/await in skynet and spawn-flat, with the same parameters (only their runs are capped)", () => {
    for (const name of ["skynet", "spawn-flat"]) {
      const b = benchmarks.find((x: { name: string }) => x.name === name);
      const variants = b.variants.map((v: { variant: string }) => v.variant);
      expect(variants).toEqual(expect.arrayContaining(["async-await", "effect-forEach", "effect-fork-join"]));
      for (const v of b.variants.filter((x: { module: string }) => x.module === "./baselines/effect.js")) {
        expect(v.workers).toBe(1);
        expect(typeof (effect as Record<string, unknown>)[v.export]).toBe("function");
      }
    }
  });
});
