// A failing thread (trap, throw, abort) fails only itself: its call rejects with a ThreadFailure naming the thread
// and the problem, the worker and the runtime keep working, and structured concurrency carries the failure to
// whoever waits for the thread (join, get) and closes its group to new spawns. Guest: test/guests/failures.ts.
import { describe, expect, it } from "vitest";
import { ThreadFailure } from "../../dist/host/index.js";
import { TEST_TIMEOUT, callWithin, rejectionOf, until, useGuest, sharedRuntime } from "./helpers.js";

const wasm = useGuest("failures");

/** The failure kinds of test/guests/failures.ts and what the failure message must contain. A trap names the guest
 * function it happened in, innermost first (failNow, where each kind fails). */
const TRAP_IN = String.raw` \(in [^)]*failures/failNow( < [^)]*)?\)$`;
const KINDS = [
  { kind: 0, what: "unreachable()", message: new RegExp(`^trap: unreachable${TRAP_IN}`) },
  { kind: 1, what: "integer divide by zero", message: new RegExp(`^trap: divide by zero${TRAP_IN}`) },
  { kind: 2, what: "throw new Error()", message: /^boom from kind 2 \(at .*failures\.ts:\d+:\d+\)$/ },
  { kind: 3, what: "abort()", message: /^aborted on purpose$/ },
  { kind: 4, what: "an out-of-bounds load", message: new RegExp(`^trap: memory access out of bounds${TRAP_IN}`) },
] as const;

/** Asserts that `err` is the ThreadFailure of call `call` and returns its reason. */
function failureOf(err: Error, call: string): string {
  expect(err).toBeInstanceOf(ThreadFailure);
  const f = err as ThreadFailure;
  expect(f.name).toBe("ThreadFailure");
  expect(f.call).toBe(call);
  expect(f.thread).toBeGreaterThan(0);
  expect(f.message).toBe(`thread ${f.thread} (root of "${call}") failed: ${f.reason}`);
  return f.reason;
}

/** The part of a propagated reason after the "thread N failed: " prefixes, with the ids. */
function unwrap(reason: string): { ids: number[]; inner: string } {
  const ids: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = /^thread (\d+) failed: /.exec(reason))) {
    ids.push(Number(m[1]));
    reason = reason.slice(m[0].length);
  }
  return { ids, inner: reason };
}

for (const workers of [1, 4]) {
  describe(`failures on ${workers} worker(s)`, () => {
    const rt = sharedRuntime(wasm, workers);

    for (const { kind, what, message } of KINDS) {
      it(`${what} in the root thread fails its call with a message naming the problem (before and after a suspension); nothing after the failure point runs; the next call succeeds`, async () => {
        for (const call of ["failRootImmediately", "failRoot"]) {
          const reason = failureOf(await rejectionOf(rt().call(call, kind, 0)), call);
          expect(reason).toMatch(message);
          expect(await rt().call("ranAfterFailure")).toBe(0);
          expect(await callWithin(rt(), 20, "succeed", 7)).toBe(21);
        }
      }, TEST_TIMEOUT);

      it(`${what} in a child: g.join() fails the parent with "thread <child> failed: <child's message>"`, async () => {
        const reason = failureOf(await rejectionOf(rt().call("joinFailedChild", kind, 0)), "joinFailedChild");
        const { ids, inner } = unwrap(reason);
        expect(ids).toHaveLength(1);
        expect(inner).toMatch(message);
        const root = (await rejectionOf(rt().call("joinFailedChild", kind, 0))) as ThreadFailure;
        const child = (await rt().call("lastChildId")) as number;
        expect(unwrap(root.reason).ids[0]).toBe(child); // the child, not the root
        expect(child).not.toBe(root.thread);
        expect(await rt().call("ranAfterFailure")).toBe(0);
        expect(await callWithin(rt(), 20, "succeed", 1)).toBe(3);
      }, TEST_TIMEOUT);

      it(`${what} in a child: f.get() on its future fails the caller with the child's message`, async () => {
        const reason = failureOf(await rejectionOf(rt().call("getFailedChild", kind, 0)), "getFailedChild");
        const { ids, inner } = unwrap(reason);
        expect(ids).toHaveLength(1);
        expect(inner).toMatch(message);
        expect(await rt().call("ranAfterFailure")).toBe(0);
      }, TEST_TIMEOUT);

      it(`${what} in a child: spawning into its failed group fails the spawner with "spawn refused" and the child's message`, async () => {
        const reason = failureOf(await rejectionOf(rt().call("spawnOnFailedGroup", kind)), "spawnOnFailedGroup");
        const m = /^spawn refused: the group has failed \(thread (\d+): (.*)\)$/.exec(reason);
        expect(m, reason).not.toBeNull();
        expect(m![2]).toMatch(message);
        expect(await rt().call("ranAfterFailure")).toBe(0);
      }, TEST_TIMEOUT);
    }

    it("the failure names the thread that failed: the id in the message is the failed child's id", async () => {
      const childId = (await callWithin(rt(), 20, "childIdOfFailure", 0)) as number;
      expect(childId).toBeGreaterThan(0);
      const root = (await rejectionOf(rt().call("joinFailedChild", 0, 0))) as ThreadFailure;
      const { ids } = unwrap(root.reason);
      expect(ids[0]).toBe(await rt().call("lastChildId"));
      // Ids are unique: this call's child is neither its root nor the earlier call's child.
      expect(ids[0]).not.toBe(root.thread);
      expect(ids[0]).not.toBe(childId);
    }, TEST_TIMEOUT);

    it("a failure cancels its siblings (4 sleeping for a day end at once), and join fails only once they have ended", async () => {
      const reason = failureOf(await rejectionOf(callWithin(rt(), 20, "siblingsOfFailure", 5)), "siblingsOfFailure");
      expect(unwrap(reason).inner).toMatch(/^trap: unreachable \(in [^)]*failures\/sibling /);
      expect(await rt().call("siblingsDone")).toBe(0); // nothing after the cancelled sleep ran
      expect(rt().schedulerStats().sleeping).toBe(0); // the cancelled sleepers' timers are gone
      await until(() => rt().schedulerStats().liveThreads === 0, 5, "the root's record to be freed");
    }, TEST_TIMEOUT);

    it("a grandchild's failure reaches the root through two joins, each adding its own \"thread N failed:\"", async () => {
      const reason = failureOf(await rejectionOf(rt().call("grandchildFails", 2)), "grandchildFails");
      const { ids, inner } = unwrap(reason);
      expect(ids).toEqual(await rt().call("chainIds")); // the child's id, then the grandchild's
      expect(inner).toMatch(KINDS[2].message);
    }, TEST_TIMEOUT);

    it("a failed group does not poison other groups of the same thread: a new group's 10 children run and their results add up", async () => {
      expect(await callWithin(rt(), 20, "healthyAfterFailedGroup", 1)).toBe(135);
    }, TEST_TIMEOUT);

    it("sleep(-1) and sleep(NaN) fail the thread with a message naming sleep and the bad duration", async () => {
      expect(failureOf(await rejectionOf(rt().call("badSleep", -1)), "badSleep")).toMatch(/^sleep: .*non-negative.*-1/);
      expect(failureOf(await rejectionOf(rt().call("badSleep", NaN)), "badSleep")).toMatch(/^sleep: .*NaN/);
    }, TEST_TIMEOUT);

    it("60 calls at once, every other one trapping: each failing call rejects, each other call returns its own value", async () => {
      const calls = Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? rt().call("failRoot", KINDS[(i / 2) % KINDS.length]!.kind, 0).then(
              () => ({ i, ok: true }),
              (e: ThreadFailure) => ({ i, ok: false, reason: e.reason }),
            )
          : rt().call("succeed", i).then((v) => ({ i, ok: true, v })),
      );
      const results = await Promise.all(calls);
      for (const r of results) {
        if (r.i % 2 === 0) {
          expect(r.ok).toBe(false);
          expect((r as { reason: string }).reason).toMatch(KINDS[(r.i / 2) % KINDS.length]!.message);
        } else {
          expect(r).toEqual({ i: r.i, ok: true, v: r.i * 3 });
        }
      }
      expect(await rt().call("ranAfterFailure")).toBe(0);
    }, TEST_TIMEOUT);

    it("after all these failures every thread record was freed and nothing is runnable or sleeping", async () => {
      await until(() => rt().schedulerStats().liveThreads === 0, 5, "liveThreads to return to 0");
      const s = rt().schedulerStats();
      expect([s.liveThreads, s.runnable, s.sleeping]).toEqual([0, 0, 0]);
    }, TEST_TIMEOUT);
  });
}
