// Guest for test/runtime/deadlock-cause.test.ts: a failed child leaves its parent waiting for what it would have
// sent; the deadlock report must name that failure.
import { ThreadGroup, Channel, Select } from "vthreads";

function boom(x: i32): void {
  throw new Error("boom");
}

/** The reproduction: the parent waits on a channel only the failed group's thread would have fed. */
export function recvAfterChildFailed(): i32 {
  const g = new ThreadGroup(0, "workers");
  g.spawn<i32, void>(boom, 0);
  const ch = new Channel<i32>(0, "results");
  ch.recv();
  g.join();
  return 1;
}

/** The same, with the parent in a select over two channels. */
export function selectAfterChildFailed(): i32 {
  const g = new ThreadGroup(0, "fetchers");
  g.spawn<i32, void>(boom, 0);
  const s = new Select();
  s.recv(new Channel<i32>(0, "pages"));
  s.recv(new Channel<string>(1, "errors"));
  s.wait();
  g.join();
  return 1;
}

/** A deadlock with no failure anywhere: the report says nothing about failures. */
export function plainDeadlock(): i32 {
  new Channel<i32>(0, "nobody").recv();
  return 1;
}

function spin(n: i32): i32 {
  let x = 0;
  for (let i = 0; i < n; i++) x = atomic.add<i32>(SPUN, 1);
  return x;
}
const SPUN = memory.data(4);

/**
 * `children` threads compute for `work` steps and end while the caller blocks on a channel nobody sends to: every
 * worker goes to sleep at about the same moment as the deadlock forms.
 */
export function deadlockAfterBurst(children: i32, work: i32): i32 {
  const g = new ThreadGroup(0, "burst");
  for (let i = 0; i < children; i++) g.spawn<i32, i32>(spin, work);
  new Channel<i32>(0, "nobody").recv();
  g.join();
  return 1;
}
