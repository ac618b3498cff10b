// Channel ping-pong: two threads bounce a number over two bounded channels (capacity 1), n round trips, so 2n
// one-way hand-offs. The pinger sends i on PING and waits for i + 1 on PONG; the ponger receives until PING is
// closed (`while (ping.next()) ... ping.take()`, the channel's way to iterate) and answers v + 1.
//
// Two modes (`poll`):
// - 0, blocking: the receiver just calls next()/recv() and parks until the message comes. What a user writes. On one
//   worker every hand-off is park + wake + switch. On two workers the woken thread is queued on the waker's worker
//   (the wake is the sender's), so the two threads tend to meet on one worker; CROSS says how many hand-offs really
//   went from one worker to the other.
// - 1, polling: the receiver yields until the channel has a message (`while (ch.length == 0) yieldNow()`), then
//   receives without parking. A yielding thread stays on its worker, so once the second worker has taken one of the
//   two threads, each hand-off crosses between the workers: the cross-worker cost of the channel itself.
//
// Checks: every message is the expected one (the pinger gets i + 1 for its i, the ponger 0, 1, 2... in order); a
// wrong one counts in BAD and the run fails.
import { ThreadGroup, Future, Channel, yieldNow, currentWorker } from "vthreads";

const CELLS: usize = memory.data(32, 8);
const PING: usize = CELLS;        // Channel<i64>, pinger -> ponger
const PONG: usize = CELLS + 4;    // Channel<i64>, ponger -> pinger
const BAD: usize = CELLS + 8;     // messages that were not the expected one
const CROSS: usize = CELLS + 12;  // hand-offs whose receiver ran on another worker than the sender
const LASTW: usize = CELLS + 16;  // worker tag of the last sender (plain accesses: the channel orders them)
const POLL: usize = CELLS + 24;   // mode

// The worker a thread runs on right now (module variables are one per program, so a worker cannot tag itself).
// @ts-ignore: decorator
@inline function workerTag(): i32 {
  return currentWorker();
}

/** Counts a hand-off that arrived on another worker than the one it was sent from. */
// @ts-ignore: decorator
@inline function received(): i32 {
  return load<i32>(LASTW) != workerTag() ? 1 : 0;
}

// @ts-ignore: decorator
@inline function sent(): void {
  store<i32>(LASTW, workerTag());
}

function pinger(n: i32): i64 {
  const ping = changetype<Channel<i64>>(load<usize>(PING));
  const pong = changetype<Channel<i64>>(load<usize>(PONG));
  const poll = load<i32>(POLL) != 0;
  let acc: i64 = 0;
  let bad = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    sent();
    ping.send(<i64>i);
    if (poll) while (pong.length == 0) yieldNow();
    const v = pong.recv();
    cross += received();
    if (v != <i64>i + 1) bad++;
    acc += v;
  }
  ping.close();
  atomic.add<i32>(BAD, bad);
  atomic.add<i32>(CROSS, cross);
  return acc;
}

function ponger(_: i32): i64 {
  const ping = changetype<Channel<i64>>(load<usize>(PING));
  const pong = changetype<Channel<i64>>(load<usize>(PONG));
  const poll = load<i32>(POLL) != 0;
  let acc: i64 = 0;
  let expect: i64 = 0;
  let bad = 0;
  let cross = 0;
  while (true) {
    if (poll) while (ping.length == 0 && !ping.closed) yieldNow();
    if (!ping.next()) break;
    const v = ping.take();
    cross += received();
    if (v != expect) bad++;
    expect++;
    acc += v;
    sent();
    pong.send(v + 1);
  }
  atomic.add<i32>(BAD, bad);
  atomic.add<i32>(CROSS, cross);
  return acc;
}

/** Returns the sum of both sides' messages (n * n), or -(wrong messages). */
export function channelPingpong(n: i32, poll: i32): i64 {
  if (n < 1) abort("channelPingpong: bad arguments");
  store<usize>(PING, changetype<usize>(new Channel<i64>(1, "ping")));
  store<usize>(PONG, changetype<usize>(new Channel<i64>(1, "pong")));
  store<i32>(POLL, poll);
  store<i32>(LASTW, -1);
  atomic.store<i32>(BAD, 0);
  atomic.store<i32>(CROSS, 0);
  const g = new ThreadGroup();
  const a: Future<i64> = g.spawn<i32, i64>(pinger, n);
  const b: Future<i64> = g.spawn<i32, i64>(ponger, 0);
  g.join();
  const bad = atomic.load<i32>(BAD);
  if (bad != 0) return -<i64>bad;
  return a.get() + b.get();
}

/** Hand-offs of the last run whose receiver ran on another worker than the sender. */
export function crossHandoffs(): i32 {
  return atomic.load<i32>(CROSS);
}
