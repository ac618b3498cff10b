// A deadlock caused by a failed child (its parent waits on a channel the child would have fed): the DeadlockError
// names the failure (thread, message, location) and its dump shows the failed group, even with no thread left in
// it. Guest: test/guests/deadlock-cause.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlockError, renderDump, type Dump } from "../../dist/host/index.js";
import { TEST_TIMEOUT, sharedRuntime, rejectionOf, useGuest } from "./helpers.js";

const wasm = useGuest("deadlock-cause");

for (const workers of [1, 4]) {
  describe(`deadlock reports on ${workers} worker(s)`, () => {
    const runtime = sharedRuntime(wasm, workers);

    it("a parent blocked on a channel after its child failed: the error names the failure and the dump shows the failed group", async () => {
      const e = (await rejectionOf(runtime().call("recvAfterChildFailed"))) as DeadlockError;
      expect(e).toBeInstanceOf(DeadlockError);
      expect(e.message).toMatch(
        /^thread (\d+) \(root of "recvAfterChildFailed"\) failed: deadlock: .*; a thread failed before, which may be why: thread \d+ of group \d+ "workers" failed: boom \(at .*deadlock-cause\.ts:6:\d+\)$/,
      );
      const dump = e.dump as Dump;
      const root = dump.roots.find((t) => t.id === e.thread)!;
      expect(root.on).toMatchObject({ kind: "channel receive", name: "results" });
      const group = root.groups.find((g) => g.name === "workers")!;
      expect(group).toMatchObject({ live: 0, failed: true });
      expect(group.failures).toHaveLength(1);
      expect(group.failures![0].message).toMatch(/^boom \(at .*deadlock-cause\.ts:6:\d+\)$/);
      const text = renderDump(dump);
      expect(text).toContain('group ' + group.id + ' "workers": 0 live [failed, cancelled]');
      expect(text).toMatch(new RegExp(`thread ${group.failures![0].thread} failed: boom \\(at `));
    }, TEST_TIMEOUT);

    it("the same with the parent in a select: the dump lists the select's cases", async () => {
      const e = (await rejectionOf(runtime().call("selectAfterChildFailed"))) as DeadlockError;
      expect(e).toBeInstanceOf(DeadlockError);
      expect(e.message).toMatch(/which may be why: thread \d+ of group \d+ "fetchers" failed: boom \(at /);
      const root = (e.dump as Dump).roots.find((t) => t.id === e.thread)!;
      expect(root.on).toEqual({ kind: "select", cases: ['receive on channel "pages"', 'receive on channel "errors"'] });
      expect(renderDump(e.dump as Dump)).toContain('waiting in a select: receive on channel "pages", receive on channel "errors"');
    }, TEST_TIMEOUT);

    it("a deadlock with no failed thread says nothing about failures", async () => {
      const e = (await rejectionOf(runtime().call("plainDeadlock"))) as DeadlockError;
      expect(e).toBeInstanceOf(DeadlockError);
      expect(e.message).not.toContain("failed before");
    }, TEST_TIMEOUT);

    it("a deadlock is found however the workers' ways to sleep interleave (200 seeded rounds)", async () => {
      // Each worker about to sleep checks whether every other one is idle. When two went to sleep at the same moment,
      // each could look before the other had said it was idle, and then both slept with no timeout: the deadlock was
      // never reported (seen as a 20 s hang on 4 workers). Children that end as the deadlock forms make that moment.
      const rounds = fc.sample(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 50_000 })), { numRuns: 200, seed: 17 });
      for (const [round, [children, work]] of rounds.entries()) {
        const e = await rejectionOf(runtime().call("deadlockAfterBurst", children, work), 10).catch((err: Error) => {
          throw new Error(`round ${round} (${children} children x ${work} steps): ${err.message}`);
        });
        expect(e).toBeInstanceOf(DeadlockError);
      }
    }, TEST_TIMEOUT);
  });
}
