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
