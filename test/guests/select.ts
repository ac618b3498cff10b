// Guest for test/runtime/select.test.ts: Select over channels (Go's select), tryRecv, the ok-receive, timer
// channels. State shared by threads travels in objects (module-level variables are not shared across workers).
import { ThreadGroup, Future, Channel, Select, Timer, after, ticker, now, sleep, yieldNow, UNBOUNDED } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";

// --- A prime sieve whose filters select between receiving and sending ---------------------------------------

function generate(ch: Channel<i32>): void {
  for (let i = 2; ; i++) ch.send(i); // ends when the group is cancelled
}

class Filter {
  constructor(public input: Channel<i32>, public output: Channel<i32>, public prime: i32) {}
}

/** Keeps up to 4 numbers in hand: receives while it has room, sends while it has any, whichever is ready. */
function filter(f: Filter): void {
  const held = new Array<i32>();
  const s = new Select();
  const r = s.recv(f.input);
  const w = s.send(f.output, 0);
  s.disable(w);
  while (true) {
    const k = s.wait();
    if (k == r) {
      const v = s.value<i32>();
      if (v % f.prime != 0) held.push(v);
    } else {
      held.shift();
    }
    if (held.length > 0) { s.setValue(w, held[0]); s.enable(w); } else s.disable(w);
    if (held.length < 4) s.enable(r); else s.disable(r);
  }
}

/** Sum of the first n primes, by a chain of n select-filters; channels of capacity `cap`. */
export function primeSieve(n: i32, cap: i32): i64 {
  const g = new ThreadGroup(0, "sieve");
  let ch = new Channel<i32>(cap);
  g.spawn<Channel<i32>, void>(generate, ch);
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) {
    const p = ch.recv();
    sum += p;
    const next = new Channel<i32>(cap);
    g.spawn<Filter, void>(filter, new Filter(ch, next, p));
    ch = next;
  }
  g.cancel();
  g.join();
  return sum;
}

// --- One receiver selecting over 4 senders ------------------------------------------------------------------

class Sender {
  constructor(public ch: Channel<i32>, public from: i32, public count: i32) {}
}

function sendRange(s: Sender): void {
  for (let i = 0; i < s.count; i++) s.ch.send(s.from + i);
  s.ch.close();
}

/** 4 senders, `per` values each, one select receiver: every value exactly once; returns how many it got. */
export function fanIn(per: i32, cap: i32): i32 {
  const g = new ThreadGroup();
  const s = new Select();
  for (let i = 0; i < 4; i++) {
    const ch = new Channel<i32>(cap, "sender " + i.toString());
    s.recv(ch);
    g.spawn<Sender, void>(sendRange, new Sender(ch, i * per, per));
  }
  const seen = new StaticArray<u8>(4 * per);
  let open = 4, got = 0;
  while (open > 0) {
    const k = s.wait();
    if (!s.ok) { s.disable(k); open--; continue; }
    const v = s.value<i32>();
    if (v / per != k) abort("value " + v.toString() + " came through case " + k.toString());
    if (seen[v]++ != 0) abort("value " + v.toString() + " received twice");
    got++;
  }
  g.join();
  for (let v = 0; v < 4 * per; v++) if (seen[v] != 1) abort("value " + v.toString() + " lost");
  return got;
}

// --- Timeouts, default, disabled cases ----------------------------------------------------------------------

/** Nobody sends: the timeout fires. Returns the elapsed time if the timeout case was chosen, else -1. */
export function timeoutFires(ms: f64): f64 {
  const never = new Channel<i32>(0, "never");
  const s = new Select();
  s.recv(never);
  const t = s.timeout(ms);
  const start = now();
  if (s.wait() != t) return -1;
  const elapsed = now() - start;
  if (never.waitingReceivers != 0) return -2; // the losing case left its queue
  return elapsed;
}

/** The same with an absolute deadline, and with an `after` channel as the case. */
export function deadlineAndAfter(ms: f64): i32 {
  const never = new Channel<i32>(0);
  const s = new Select();
  s.recv(never);
  const start = now();
  const d = s.deadline(start + ms);
  if (s.wait() != d || now() - start < ms - 1) return -1;
  const s2 = new Select();
  s2.recv(never);
  const a = s2.recv(after(ms));
  const t0 = now();
  if (s2.wait() != a) return -2;
  const fired = s2.value<f64>(); // the time it fired
  if (fired < t0 + ms - 1 || !s2.ok) return -3;
  return 1;
}

/** Default: chosen only when nothing is ready; a ready case always wins over it. */
export function defaultCase(): i32 {
  const ch = new Channel<i32>(1);
  const s = new Select();
  const r = s.recv(ch);
  const d = s.default();
  if (s.wait() != d) return -1;            // nothing ready: no waiting
  ch.send(7);
  for (let i = 0; i < 100; i++) {
    if (s.wait() != r || s.value<i32>() != 7) return -2;
    ch.send(7);
  }
  const full = new Select();
  const w = full.send(ch, 8);              // the buffer holds the 7: not ready
  const d2 = full.default();
  if (full.wait() != d2) return -3;
  if (ch.waitingSenders != 0) return -4;   // a default select leaves nothing queued
  return 1;
}

function sendLater(ch: Channel<i32>): void {
  sleep(5);
  ch.send(2);
}

/** A disabled case is never chosen, even when ready; enabled again, it is. */
export function disabledCase(cap: i32): i32 {
  const ready = new Channel<i32>(1);
  ready.send(1);
  const later = new Channel<i32>(cap);
  const g = new ThreadGroup();
  g.spawn<Channel<i32>, void>(sendLater, later);
  const s = new Select();
  const a = s.recv(ready);
  const b = s.recv(later);
  s.disable(a);
  if (s.isEnabled(a)) return -1;
  if (s.wait() != b || s.value<i32>() != 2) return -2;
  s.enable(a);
  if (s.wait() != a || s.value<i32>() != 1) return -3;
  g.join();
  return 1;
}

export function nothingEnabled(): i32 {
  const s = new Select();
  const a = s.recv(new Channel<i32>());
  s.disable(a);
  s.wait(); // fails: would wait forever
  return 0;
}

export function selectSendOnClosed(): i32 {
  const ch = new Channel<i32>(1, "closed");
  ch.close();
  const s = new Select();
  s.send(ch, 1);
  s.wait(); // fails like send does
  return 0;
}

export function valueOfWrongType(): i32 {
  const ch = new Channel<i32>(1);
  ch.send(1);
  const s = new Select();
  s.recv(ch);
  s.wait();
  s.value<f64>(); // fails
  return 0;
}

function closeLater(ch: Channel<string>): void {
  sleep(2);
  ch.close();
}

/** A waiting send case fails its thread when the channel is closed under it; a receive case reports !ok. */
export function closeUnderSelect(): i32 {
  const ch = new Channel<string>(0, "names");
  const g = new ThreadGroup();
  g.spawn<Channel<string>, void>(closeLater, ch);
  const s = new Select();
  const r = s.recv(ch);
  if (s.wait() != r || s.ok) return -1;
  if (s.value<string | null>() != null) return -2;
  g.join();
  return 1;
}

// --- Fairness ---------------------------------------------------------------------------------------------

/** Three receive cases and one send case, all ready at every round: how often each is chosen (4 x 16 bits). */
export function fairness(rounds: i32): i64 {
  const s = new Select();
  const chans = new Array<Channel<i32>>();
  for (let i = 0; i < 3; i++) {
    const ch = new Channel<i32>(UNBOUNDED);
    for (let j = 0; j < rounds; j++) ch.send(j);
    chans.push(ch);
    s.recv(ch);
  }
  const sink = new Channel<i32>(UNBOUNDED);
  s.send(sink, 1);
  const counts = new StaticArray<i64>(4);
  for (let i = 0; i < rounds; i++) {
    const k = s.wait(); // (not inside counts[...]++: AssemblyScript would evaluate it twice)
    counts[k]++;
  }
  return counts[0] | counts[1] << 16 | counts[2] << 32 | counts[3] << 48;
}

// --- Cancellation ------------------------------------------------------------------------------------------

class Blocked {
  constructor(public rendezvous: Channel<i32>, public full: Channel<i32>, public empty: Channel<string>, public timed: bool) {}
}

function blockInSelect(b: Blocked): void {
  const s = new Select();
  s.recv(b.rendezvous);
  s.send(b.full, 1);
  s.recv(b.empty);
  if (b.timed) s.timeout(1e9);
  s.wait();
  abort("a select with nothing ready returned");
}

/** n threads blocked in selects (half with a timeout) are cancelled: every queue is empty after. */
export function cancelSelects(n: i32): i32 {
  const b = new Blocked(new Channel<i32>(0), new Channel<i32>(1), new Channel<string>(4), false);
  b.full.send(0);
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) {
    g.spawn<Blocked, void>(blockInSelect, new Blocked(b.rendezvous, b.full, b.empty, (i & 1) == 1));
  }
  while (b.rendezvous.waitingReceivers < n) yieldNow();
  if (b.full.waitingSenders != n || b.empty.waitingReceivers != n) return -1;
  g.cancel();
  g.join();
  if (b.rendezvous.waitingReceivers + b.full.waitingSenders + b.empty.waitingReceivers != 0) return -2;
  // The channels work as before.
  b.empty.send("x");
  if (b.empty.recv() != "x" || b.full.recv() != 0) return -3;
  return n;
}

class Race {
  constructor(public ch: Channel<i32>, public other: Channel<i32>, public seen: StaticArray<u8>) {}
}

function recordingReceiver(r: Race): void {
  const s = new Select();
  s.recv(r.ch);
  s.recv(r.other);
  while (true) {
    s.wait();
    if (!s.ok) return;
    const v = s.value<i32>();
    // No blocking call between the select and the record: a cancellation ends the thread at its next wait.
    if (atomic.add<u8>(changetype<usize>(r.seen) + <usize>v, 1) != 0) abort("value " + v.toString() + " received twice");
  }
}

/**
 * Select receivers are cancelled while messages flow: each sent message was received exactly once by a select
 * that returned it, or is still in the buffer. Returns how many were received by the selects.
 */
export function cancelWhileFlowing(receivers: i32, messages: i32, cap: i32, seed: u32): i32 {
  const r = new Race(new Channel<i32>(cap), new Channel<i32>(0), new StaticArray<u8>(messages));
  const g = new ThreadGroup();
  for (let i = 0; i < receivers; i++) g.spawn<Race, void>(recordingReceiver, r);
  const cutAt = <i32>(xorshift(seed) % <u32>messages);
  let sent = 0;
  for (; sent < messages; sent++) {
    if (sent == cutAt) g.cancel();
    if (g.cancelled && cap == 0) break; // nobody left to take a rendezvous
    if (!r.ch.trySend(sent)) {
      if (g.cancelled) break;
      r.ch.send(sent);
    }
  }
  g.join();
  let got = 0;
  for (let v = 0; v < sent; v++) got += r.seen[v];
  let buffered = 0;
  while (r.ch.tryRecv()) {
    const v = r.ch.take();
    if (r.seen[v] != 0) abort("value " + v.toString() + " both received and buffered");
    r.seen[v] = 1;
    buffered++;
  }
  for (let v = 0; v < sent; v++) if (r.seen[v] != 1) abort("value " + v.toString() + " lost (" + sent.toString() + " sent)");
  if (r.ch.waitingReceivers + r.other.waitingReceivers != 0) abort("a cancelled select left a case queued");
  return got;
}

// --- Randomised stress: selects and plain senders/receivers race ---------------------------------------------

class Mix {
  chans: Array<Channel<i32>> = new Array<Channel<i32>>();
  seen: StaticArray<u8>;
  received: i32 = 0;
  constructor(total: i32) { this.seen = new StaticArray<u8>(total); }
  record(v: i32): void {
    if (atomic.add<u8>(changetype<usize>(this.seen) + <usize>v, 1) != 0) abort("value " + v.toString() + " received twice");
    atomic.add<i32>(changetype<usize>(this) + offsetof<Mix>("received"), 1);
  }
}

class Role {
  constructor(public mix: Mix, public index: i32, public from: i32, public count: i32, public seed: u32) {}
}

function plainSender(r: Role): void {
  let seed = r.seed;
  const chans = r.mix.chans;
  for (let i = 0; i < r.count; i++) {
    seed = xorshift(seed);
    chans[<i32>(seed % <u32>chans.length)].send(r.from + i);
    if ((seed & 7) == 0) yieldNow();
  }
}

/** Sends each value through a select over every channel, with random cases disabled and sometimes a default. */
function selectSender(r: Role): void {
  let seed = r.seed;
  const chans = r.mix.chans;
  const s = new Select();
  for (let c = 0; c < chans.length; c++) s.send(chans[c], 0);
  const d = s.default();
  for (let i = 0; i < r.count; ) {
    seed = xorshift(seed);
    for (let c = 0; c < chans.length; c++) {
      s.setValue(c, r.from + i);
      s.enable(c);
    }
    if (chans.length > 1 && (seed & 3) == 0) s.disable(<i32>((seed >> 4) % <u32>chans.length));
    if ((seed & 24) == 0) s.enable(d); else s.disable(d);
    if (s.wait() == d) { yieldNow(); continue; }
    i++;
  }
}

function plainReceiver(r: Role): void {
  const ch = r.mix.chans[r.index % r.mix.chans.length];
  while (ch.next()) r.mix.record(ch.take());
}

/** Receives through a select over every channel; sometimes one case disabled (then with a short timeout). */
function selectReceiver(r: Role): void {
  let seed = r.seed;
  const chans = r.mix.chans;
  const s = new Select();
  for (let c = 0; c < chans.length; c++) s.recv(chans[c]);
  const t = s.timeout(1);
  const open = new StaticArray<bool>(chans.length);
  let left = chans.length;
  for (let c = 0; c < chans.length; c++) open[c] = true;
  while (left > 0) {
    seed = xorshift(seed);
    for (let c = 0; c < chans.length; c++) if (open[c]) s.enable(c);
    s.disable(t);
    if (left > 1 && (seed & 3) == 0) {
      const c = <i32>((seed >> 4) % <u32>chans.length);
      if (open[c]) { s.disable(c); s.enable(t); } // never wait with a case disabled but no way out
    }
    const k = s.wait();
    if (k == t) continue;
    if (!s.ok) { open[k] = false; s.disable(k); left--; continue; }
    r.mix.record(s.value<i32>());
  }
}

/**
 * `channels` channels (capacities: 2 bits each in `caps`: 0 rendezvous, 1 one, 2 four, 3 unbounded); plain and
 * select senders send `per` distinct values each; plain and select receivers take them until the channels close.
 * Every value must arrive exactly once. Returns the number received.
 */
export function mixedStress(channels: i32, caps: i32, plainSenders: i32, selectSenders: i32, plainReceivers: i32,
                            selectReceivers: i32, per: i32, seed: u32): i32 {
  const total = (plainSenders + selectSenders) * per;
  const mix = new Mix(total);
  for (let c = 0; c < channels; c++) {
    const code = (caps >> (2 * c)) & 3;
    mix.chans.push(new Channel<i32>(code == 0 ? 0 : code == 1 ? 1 : code == 2 ? 4 : UNBOUNDED, "c" + c.toString()));
  }
  const receivers = new ThreadGroup(0, "receivers");
  for (let i = 0; i < plainReceivers; i++) receivers.spawn<Role, void>(plainReceiver, new Role(mix, i, 0, 0, 0));
  for (let i = 0; i < selectReceivers; i++) receivers.spawn<Role, void>(selectReceiver, new Role(mix, i, 0, 0, seed + <u32>i * 31 + 1));
  const senders = new ThreadGroup(0, "senders");
  let from = 0;
  for (let i = 0; i < plainSenders; i++, from += per) senders.spawn<Role, void>(plainSender, new Role(mix, i, from, per, seed + <u32>i * 7 + 3));
  for (let i = 0; i < selectSenders; i++, from += per) senders.spawn<Role, void>(selectSender, new Role(mix, i, from, per, seed + <u32>i * 13 + 5));
  senders.join();
  for (let c = 0; c < channels; c++) mix.chans[c].close();
  receivers.join();
  for (let v = 0; v < total; v++) if (mix.seen[v] != 1) abort("value " + v.toString() + " lost");
  for (let c = 0; c < channels; c++) {
    if (mix.chans[c].waitingReceivers + mix.chans[c].waitingSenders != 0) abort("channel " + c.toString() + " has waiters left");
  }
  return mix.received;
}

// --- tryRecv, the ok-receive, timer channels -------------------------------------------------------------------

/** tryRecv never waits: false on an empty channel, true with the message when one is buffered or a sender waits. */
export function tryRecvCases(): i32 {
  const ch = new Channel<i32>(2, "try");
  if (ch.tryRecv()) return -1;
  ch.send(5);
  if (!ch.tryRecv() || ch.take() != 5) return -2;
  if (ch.tryRecv() || ch.take() != 0) return -3; // nothing: the zero value, not the 5 from before
  const rv = new Channel<i32>(0);
  const g = new ThreadGroup();
  g.spawn<Channel<i32>, void>(sendOne, rv);
  let spins = 0;
  while (!rv.tryRecv()) { yieldNow(); if (++spins > 100000) return -4; }
  if (rv.take() != 9) return -5;
  g.join();
  ch.send(1);
  ch.close();
  if (!ch.tryRecv() || ch.take() != 1) return -6; // a closed channel still drains
  if (ch.tryRecv() || !ch.closed) return -7;
  return 1;
}

function sendOne(ch: Channel<i32>): void {
  ch.send(9);
}

/** Go's `v, ok := <-ch`: next() is false once closed and drained, and take() then gives the zero value. */
export function okReceive(): i32 {
  const ch = new Channel<string>(4);
  ch.send("a");
  ch.close();
  if (!ch.next() || ch.take() != "a") return -1;
  if (ch.next()) return -2;
  if (changetype<usize>(ch.take()) != 0) return -3; // not the stale "a"
  const n = new Channel<f64>(1);
  n.send(2.5);
  n.close();
  if (!n.next() || n.take() != 2.5 || n.next() || n.take() != 0) return -4;
  if (n.length != 0 || n.capacity != 1 || !n.closed) return -5;
  return 1;
}

/** after(ms) delivers once; a ticker ticks until stopped and leaves no timer behind. */
export function timerChannels(ms: f64, ticks: i32): i32 {
  const t0 = now();
  const a = after(ms);
  const at = a.recv();
  if (at < t0 + ms - 1 || now() < t0 + ms - 1) return -1;
  if (a.pending || a.tryRecv()) return -2; // fired once, nothing more
  const tk = ticker(ms);
  let last = 0.0;
  for (let i = 0; i < ticks; i++) {
    const t = tk.recv();
    if (t < last) return -3;
    last = t;
  }
  if (!tk.stop() || tk.pending) return -4;
  if (tk.tryRecv()) return -7; // a tick buffered before stop() is dropped: nothing stale
  sleep(ms * 3);
  if (tk.tryRecv()) return -5; // stopped: no tick after
  const unused = after(1e9);
  if (!unused.stop()) return -6; // a stopped one-shot leaves no timer either
  return 1;
}

/** A ticker as a select case beside a channel, with a default: the select pattern of Go's time.Ticker. */
export function tickerInSelect(ms: f64, ticks: i32): i32 {
  const tk = ticker(ms);
  const work = new Channel<i32>(UNBOUNDED);
  const s = new Select();
  const kt = s.recv(tk);
  const kw = s.recv(work);
  let seen = 0, jobs = 0;
  while (seen < ticks) {
    work.send(1);
    yieldNow(); // a busy loop must let timers fire (scheduling is cooperative)
    const k = s.wait();
    if (k == kt) seen++;
    else if (k == kw) jobs++;
  }
  tk.stop();
  return jobs > 0 ? seen : -1;
}

// --- References through selects while the collector runs ---------------------------------------------------------

class Strings {
  constructor(public a: Channel<string>, public b: Channel<string>, public n: i32) {}
}

/** Sends "m<i>" strings made on the spot through a select over two channels (the only reference is the select's). */
function stringSender(s: Strings): void {
  const sel = new Select();
  const ka = sel.send(s.a, "");
  const kb = sel.send(s.b, "");
  for (let i = 0; i < s.n; i++) {
    const m = "m" + i.toString();
    sel.setValue(ka, m);
    sel.setValue(kb, m);
    sel.wait();
  }
  s.a.close();
  s.b.close();
}

/** Receives them through a select, checking every string's content: a collected string would show. */
export function stringsThroughSelects(n: i32, cap: i32): i32 {
  const s = new Strings(new Channel<string>(cap, "a"), new Channel<string>(cap, "b"), n);
  const g = new ThreadGroup();
  g.spawn<Strings, void>(stringSender, s);
  const sel = new Select();
  sel.recv(s.a);
  sel.recv(s.b);
  const seen = new StaticArray<u8>(n);
  let open = 2, got = 0;
  while (open > 0) {
    const k = sel.wait();
    if (!sel.ok) { sel.disable(k); open--; continue; }
    const m = sel.value<string>();
    const i = I32.parseInt(m.substring(1));
    if (m.charAt(0) != "m" || i < 0 || i >= n || seen[i] != 0) abort("bad or repeated message " + m);
    seen[i] = 1;
    got++;
  }
  g.join();
  return got;
}

export function sendWrongType(): i32 {
  const s = new Select();
  s.send<f64>(new Channel<i32>(1), 1.5); // fails: the channel carries i32
  return 0;
}

export function noSuchCase(): i32 {
  const s = new Select();
  s.recv(new Channel<i32>(1));
  s.disable(3); // fails
  return 0;
}

// --- A cancellation racing the channel operation that completes a select ------------------------------------
// The claimer of a select (a channel operation, under the channel's lock) and a canceller (under the select's own
// lock) are not excluded by one lock: only the select's `done` word decides. A canceller that finds the thread still
// naming the select's lock but its queue already cleared by the claimer must leave it alone; before that was so,
// it woke the thread a second time with "cancelled", and its send case failed with "the channel is closed".

const RACE_CELLS: usize = memory.data(16);
const RACE_READY: usize = RACE_CELLS; //    i32  the receiver is spinning
const RACE_GO: usize = RACE_CELLS + 4; //   i32  both sides go
const RACE_SPIN: usize = RACE_CELLS + 8; // i32  the receiver's spin before it receives

function spin(n: i32): void {
  for (let i = 0; i < n; i++) atomic.load<i32>(RACE_GO);
}

/** Waits for the word at `at` to become non-zero: spinning (so that another worker runs the other side at the same
 *  time), and yielding now and then (so that on one worker the other side gets to run at all). */
function awaitFlag(at: usize): void {
  for (let i = 1; atomic.load<i32>(at) == 0; i++) if ((i & 0xffff) == 0) yieldNow();
}

function racingSender(ch: Channel<i32>): void {
  const s = new Select();
  s.send(ch, 1);
  s.wait(); // completed by the receiver, or ended by the cancellation: never failed
}

function raceReceiver(ch: Channel<i32>): i32 {
  atomic.store<i32>(RACE_READY, 1);
  awaitFlag(RACE_GO);
  spin(atomic.load<i32>(RACE_SPIN));
  return ch.next() ? 1 : 0; // 0: the sender was cancelled first and the channel closed after
}

/**
 * `rounds` times: a thread parks in a select sending on a rendezvous channel; a receiver on another worker receives
 * while this thread cancels the sender's group, each after a seeded random spin. Returns the rounds whose sender
 * failed (0 expected); a round whose message was received counts it in the upper 16 bits.
 */
export function cancelVersusClaim(rounds: i32, seed: u32): i32 {
  let x = seed | 1;
  let failed = 0, received = 0;
  for (let r = 0; r < rounds; r++) {
    const ch = new Channel<i32>(0);
    const g = new ThreadGroup(0, "sender");
    g.spawn<Channel<i32>, void>(racingSender, ch);
    while (ch.waitingSenders == 0) yieldNow(); // the sender is parked in its select
    x = xorshift(x);
    atomic.store<i32>(RACE_SPIN, <i32>(x & 255));
    atomic.store<i32>(RACE_READY, 0);
    atomic.store<i32>(RACE_GO, 0);
    const h = new ThreadGroup(0, "receiver");
    const got = h.spawn<Channel<i32>, i32>(raceReceiver, ch);
    awaitFlag(RACE_READY); // another worker runs the receiver (or, on one worker, this one did)
    atomic.store<i32>(RACE_GO, 1);
    x = xorshift(x);
    spin(<i32>(x & 255));
    g.cancel();
    if (!g.tryJoin()) failed++;
    ch.close(); // releases a receiver that came after the cancellation
    h.join();
    received += got.get();
  }
  return failed | (received << 16);
}
