import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Runtime tests start their own worker_threads; separate processes keep them apart.
    pool: "forks",
    // 2-core machines: two test files at a time, each may start several workers.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
