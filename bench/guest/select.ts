// Select ping-pong: channel-pingpong (bench/guest/channel.ts) with every receive made through a 2-way select: the
// receiver waits on its channel and on a second channel that never gets a message (a quit channel, as a Go program
// would have), so each hand-off pays what a select adds: locking both channels, queueing a case node on each,
// claiming the select, taking the losing node out again. n round trips (2n one-way hand-offs), capacity 1.
//
// Checks: every message is the expected one (a wrong one counts in BAD and the run fails).
import { ThreadGroup, Future, Channel, Select } from "vthreads";

class Pair {
  constructor(public ping: Channel<i64>, public pong: Channel<i64>, public quit: Channel<i64>) {}
  bad: i32 = 0;
  n: i32 = 0;
}

function pinger(p: Pair): i64 {
  const s = new Select();
  const fromPong = s.recv(p.pong);
  s.recv(p.quit);
  let acc: i64 = 0;
  let bad = 0;
  for (let i = 0; i < p.n; i++) {
    p.ping.send(<i64>i);
    if (s.wait() != fromPong) bad++;
    const v = s.value<i64>();
    if (v != <i64>i + 1) bad++;
    acc += v;
  }
  p.ping.close();
  atomic.add<i32>(changetype<usize>(p) + offsetof<Pair>("bad"), bad);
  return acc;
}

function ponger(p: Pair): i64 {
  const s = new Select();
  const fromPing = s.recv(p.ping);
  s.recv(p.quit);
  let acc: i64 = 0;
  let expect: i64 = 0;
  let bad = 0;
  while (true) {
    if (s.wait() != fromPing) bad++;
    if (!s.ok) break; // ping closed
    const v = s.value<i64>();
    if (v != expect) bad++;
    expect++;
    acc += v;
    p.pong.send(v + 1);
  }
  atomic.add<i32>(changetype<usize>(p) + offsetof<Pair>("bad"), bad);
  return acc;
}

/** Returns the sum of both sides' messages (n * n), or -(wrong messages). */
export function selectPingpong(n: i32): i64 {
  if (n < 1) abort("selectPingpong: bad arguments");
  const p = new Pair(new Channel<i64>(1, "ping"), new Channel<i64>(1, "pong"), new Channel<i64>(1, "quit"));
  p.n = n;
  const g = new ThreadGroup();
  const a: Future<i64> = g.spawn<Pair, i64>(pinger, p);
  const b: Future<i64> = g.spawn<Pair, i64>(ponger, p);
  g.join();
  if (p.bad != 0) return -<i64>p.bad;
  return a.get() + b.get();
}
