// Select: wait on several channel operations at once and complete exactly one (Go's `select`).
//
//   const s = new Select();
//   const a = s.recv(requests);          // each case gets an index
//   const b = s.send(replies, answer);
//   const t = s.timeout(100);            // optional: gives up after 100 ms (per wait)
//   const k = s.wait();                  // blocks until one case completes; returns its index
//   if (k == a) { if (s.ok) handle(s.value<Request>()); else ...requests is closed and drained }
//   else if (k == b) ...sent
//   else if (k == t) ...timed out
//
// Semantics are Go's. When several cases are ready, one is chosen uniformly at random. `s.default()` adds a case
// that `wait()` returns when nothing is ready (then it never blocks). A case can be disabled and enabled again
// between waits (`disable(k)`, `enable(k)`: Go's nil channel), a send case's message changed (`setValue`); a
// `Select` is reused for any number of waits, by one thread at a time. A receive case on a closed, drained channel
// is ready (`ok` is false, `value` is T's zero value); a send case on a closed channel fails the caller, as `send`
// does. `wait()` is cancellable like every blocking call.
//
// How (after Go's runtime/select.go): the select locks the channels of its enabled cases in address order and looks
// for a ready case in a random order. If none is, it links one case node per channel into that channel's wait
// queue (scheduler/waiter.ts), all pointing at this select's `done` word, and parks. Whatever completes it (a send or
// receive on one of the channels, possibly by another select; the timer; a canceller) claims `done` with one
// compare-and-swap, so exactly one case completes and no message is taken by a select that does not deliver it.
// The woken select takes its other nodes out of their queues (those a losing claimer has not already dropped).

import { current } from "../scheduler/local";
import { T_SLOT, T_WAKE, T_WAIT_KIND, T_WAIT_OBJ, T_WAIT_LOCK, T_WAIT_QUEUE, T_TIMER, T_STATE, ST_RUNNING,
         W_NONE, W_SELECT, isCancelled } from "../scheduler/thread";
import { qPush, qUnlink } from "../scheduler/queue";
import { WAKE_NONE, WAKE_GRANTED, WAKE_CANCELLED, TIMER_LOCK } from "../memory/layout";
import { SELECT_QUEUE } from "../scheduler/waitq";
import { prepareToPark, park, unpark } from "../scheduler/park";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { addTimerLocked, removeTimerLocked } from "../scheduler/timers";
import { now } from "../scheduler/clock";
import { lock, unlock } from "../memory/spinlock";
import { publish } from "../memory/sharing";
import { toBits, fromBits } from "../scheduler/bits";
import { ChannelCore, typeCode } from "./channel";
import { CASE_MARK, N_MARK, N_INDEX, N_DONE, N_THREAD, N_QUEUE, N_VALUE, NODE_SIZE, NODE_LINKS_MATCH, S_DONE, S_LOCK,
         S_TIMEOUT_CASE, SELECT_CANCELLED } from "../scheduler/waiter";

// Case kinds.
// @ts-ignore: decorator
@inline const K_RECV: u8 = 1;
// @ts-ignore: decorator
@inline const K_SEND: u8 = 2;
// @ts-ignore: decorator
@inline const K_TIMEOUT: u8 = 3;
// @ts-ignore: decorator
@inline const K_DEFAULT: u8 = 4;

/** `chosen` before the first wait, and the timeout case of a select that has none. */
// @ts-ignore: decorator
@inline export const NO_CASE: i32 = -1;

class Case {
  kind: u8;
  enabled: bool = true;
  /** The message type, for value<T>() to check: 1 reference, 2 float, 0 integer; times 16, plus its size. */
  type: u32 = 0;
  chan: ChannelCore | null = null;
  /** A send case's message as 64 bits; a reference is also kept in `keep`, where the collector sees it. */
  bits: u64 = 0;
  keep: Object | null = null;
  constructor(kind: u8) { this.kind = kind; }
}


/** Per-worker pseudo-random state for choosing among ready cases (xorshift32). */
let random: u32 = 0x9e3779b9;

// @ts-ignore: decorator
@inline function nextRandom(): u32 {
  let x = random;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  random = x;
  return x;
}

export class Select {
  // The select record others touch: at fixed offsets (scheduler/waiter.ts S_*), checked in the constructor.
  private done: i32 = 0;
  private lockWord: i32 = 0;
  private timeoutCase: i32 = NO_CASE;

  private cases: Array<Case> = new Array<Case>();
  private defaultCase: i32 = NO_CASE;
  private timeoutMs: f64 = 0;
  private deadlineAt: f64 = 0;
  private absolute: bool = false;
  /** The channels of the enabled cases, distinct, in address order (the lock order); rebuilt when cases change. */
  private lockOrder: StaticArray<usize> = new StaticArray<usize>(0);
  private lockCount: i32 = 0;
  /** The enabled channel cases, shuffled at each wait (the poll order). */
  private pollOrder: StaticArray<i32> = new StaticArray<i32>(0);
  private pollCount: i32 = 0;
  private dirty: bool = true;
  /** One 48-byte node per case (scheduler/waiter.ts), linked into channel queues only while `wait` blocks. */
  private nodes: StaticArray<u64> = new StaticArray<u64>(0);
  private waiting: usize = 0;
  // The last wait's outcome.
  private chosenCase: i32 = NO_CASE;
  private gotBits: u64 = 0;
  private gotKeep: Object | null = null;
  private gotOk: bool = false;

  constructor() {
    if (offsetof<Select>("done") != S_DONE || offsetof<Select>("lockWord") != S_LOCK ||
        offsetof<Select>("timeoutCase") != S_TIMEOUT_CASE || !NODE_LINKS_MATCH) unreachable();
  }

  /** Adds a case that receives from `ch`; returns its index. */
  recv(ch: ChannelCore): i32 {
    const c = new Case(K_RECV);
    c.chan = ch;
    c.type = ch.typeCode;
    return this.add(c);
  }

  /** Adds a case that sends `value` on `ch`; returns its index. `T` must be the channel's message type. */
  send<T>(ch: ChannelCore, value: T): i32 {
    const c = new Case(K_SEND);
    c.chan = ch;
    c.type = ch.typeCode;
    const k = this.add(c);
    this.setValue<T>(k, value);
    return k;
  }

  /** Changes the message send case `k` sends at the next waits. */
  setValue<T>(k: i32, value: T): void {
    const c = this.caseAt(k, "setValue");
    if (c.kind != K_SEND) failCurrent("Select.setValue: case " + k.toString() + " is not a send case");
    if (c.type != typeCode<T>()) failCurrent("Select: send case " + k.toString() + " is on a channel of another message type");
    c.bits = toBits<T>(value);
    if (isReference<T>()) c.keep = changetype<Object>(changetype<usize>(value));
  }

  /**
   * A case that completes when `ms` milliseconds have passed since the wait began (set anew at each wait); returns
   * its index. A select has one timeout: calling this (or `deadline`) again changes it.
   */
  timeout(ms: f64): i32 {
    if (!(ms >= 0)) failCurrent("Select.timeout: the duration must be a non-negative number of milliseconds, got " + ms.toString());
    this.timeoutMs = ms;
    this.absolute = false;
    return this.timerCase();
  }

  /** A case that completes at time `at` (ms since the epoch, the clock of `now()`); returns its index. */
  deadline(at: f64): i32 {
    if (isNaN(at)) failCurrent("Select.deadline: the time is not a number");
    this.deadlineAt = at;
    this.absolute = true;
    return this.timerCase();
  }

  /** A case `wait()` returns when no other case is ready: with it enabled, `wait()` never blocks. */
  default(): i32 {
    if (this.defaultCase == NO_CASE) this.defaultCase = this.add(new Case(K_DEFAULT));
    return this.defaultCase;
  }

  /** Case `k` takes no part in the next waits (like a nil channel in Go), until `enable(k)`. */
  disable(k: i32): void {
    const c = this.caseAt(k, "disable");
    if (c.enabled) { c.enabled = false; this.dirty = true; }
  }

  enable(k: i32): void {
    const c = this.caseAt(k, "enable");
    if (!c.enabled) { c.enabled = true; this.dirty = true; }
  }

  isEnabled(k: i32): bool {
    return this.caseAt(k, "isEnabled").enabled;
  }

  /** Number of cases. */
  get length(): i32 {
    return this.cases.length;
  }

  /** The index the last `wait()` returned (-1 before the first). */
  get chosen(): i32 {
    return this.chosenCase;
  }

  /** After a receive case completed: true when it got a message, false when its channel was closed and drained. */
  get ok(): bool {
    return this.gotOk;
  }

  /** The message the last `wait()` received (T's zero value when `ok` is false). Fails if it completed no receive. */
  value<T>(): T {
    const k = this.chosenCase;
    if (k < 0 || unchecked(this.cases[k]).kind != K_RECV) failCurrent("Select.value: the last wait() did not complete a receive case");
    if (unchecked(this.cases[k]).type != typeCode<T>()) failCurrent("Select.value: case " + k.toString() + " receives another type");
    return fromBits<T>(this.gotBits);
  }

  /**
   * Waits until one enabled case can complete, completes it and returns its index: a receive (read the message
   * with `value<T>()`, `ok`), a send, the timeout, or the default case if nothing is ready. Ends a cancelled caller.
   */
  wait(): i32 {
    const t = current;
    if (t == 0) requireThread("Select.wait");
    if (isCancelled(t)) exitCancelled();
    if (this.waiting != 0) failCurrent("Select.wait: thread " + load<u32>(this.waiting, 4).toString() + " is waiting in this select (a Select serves one thread at a time)");
    if (this.dirty) this.prepare();
    const k = this.poll(t);
    if (k != NO_CASE) return k;
    return this.block(t);
  }

  /**
   * Parks until a case completes. Kept small, apart from the passes before and after: every local of a function
   * on the stack at the park is saved and restored at each switch (Asyncify).
   */
  private block(t: usize): i32 {
    this.enqueue(t);
    park();
    return this.dequeue(t);
  }

  /**
   * Pass 1: locks the channels (in address order) and completes a ready case, in a random order; else the default
   * case if enabled. Returns the case, or NO_CASE with the channels still locked.
   */
  private poll(t: usize): i32 {
    const cases = this.cases;
    const locks = this.lockOrder;
    const poll = this.pollOrder;
    const m = this.pollCount;
    for (let i = m - 1; i > 0; i--) { // Fisher-Yates: every ready case equally likely
      const j = <i32>((<u64>nextRandom() * <u64>(i + 1)) >> 32); // uniform in [0, i] (to within 2^-32)
      const x = unchecked(poll[i]);
      unchecked(poll[i] = unchecked(poll[j]));
      unchecked(poll[j] = x);
    }
    for (let i = 0, n = this.lockCount; i < n; i++) lock(unchecked(locks[i]));
    for (let i = 0; i < m; i++) {
      const k = unchecked(poll[i]);
      const c = unchecked(cases[k]);
      const ch = changetype<ChannelCore>(c.chan);
      if (c.kind == K_RECV) {
        const r = ch.tryRecvLocked(t + T_SLOT);
        if (r == 0) continue;
        const woken = ch.takeToWake();
        this.unlockAll();
        if (woken != 0) unpark(woken);
        return this.received(k, r > 0, t);
      }
      const r = ch.trySendLocked(c.bits);
      if (r == 0) continue;
      const woken = ch.takeToWake();
      this.unlockAll();
      if (woken != 0) unpark(woken);
      if (r < 0) ch.closedError("send");
      return this.finished(k);
    }
    const d = this.defaultCase;
    if (d != NO_CASE && unchecked(cases[d]).enabled) {
      this.unlockAll();
      return this.finished(d);
    }
    if (m == 0 && !this.timed()) {
      this.unlockAll();
      failCurrent("Select.wait: no case is enabled (no channel, timeout or default): it would wait forever");
    }
    return NO_CASE;
  }

  private timed(): bool {
    const tk = this.timeoutCase;
    return tk != NO_CASE && unchecked(this.cases[tk]).enabled;
  }

  /**
   * Pass 2 (the channels locked by `poll`): links a node per case into its channel's queue and marks the thread
   * parking, then unlocks. The timer lock is taken after the channels' (the order of a timer that fires) and held
   * until the nodes are linked, so the timer cannot fire in between.
   */
  private enqueue(t: usize): void {
    const self = changetype<usize>(this);
    const timed = this.timed();
    this.done = 0;
    this.waiting = t;
    if (timed) {
      lock(TIMER_LOCK);
      if (!addTimerLocked(this.absolute ? this.deadlineAt : now() + this.timeoutMs, t)) {
        unlock(TIMER_LOCK);
        this.waiting = 0;
        this.unlockAll();
        failCurrent("out of memory: cannot register a timer");
      }
    }
    prepareToPark();
    store<u8>(t, <u8>W_SELECT, T_WAIT_KIND);
    store<usize>(t, self, T_WAIT_OBJ);
    store<u8>(t, <u8>WAKE_NONE, T_WAKE);
    publish<usize>(t + T_WAIT_QUEUE, SELECT_QUEUE);
    publish<usize>(t + T_WAIT_LOCK, self + S_LOCK); // then read the cancel word: the Dekker pair with cancelThread
    if (isCancelled(t)) {
      if (timed) { removeTimerLocked(t); unlock(TIMER_LOCK); }
      publish<usize>(t + T_WAIT_QUEUE, 0);
      publish<usize>(t + T_WAIT_LOCK, 0);
      store<u8>(t, <u8>W_NONE, T_WAIT_KIND);
      publish<i32>(t + T_STATE, ST_RUNNING);
      this.waiting = 0;
      this.unlockAll();
      exitCancelled();
    }
    const cases = this.cases;
    const poll = this.pollOrder;
    const nodes = changetype<usize>(this.nodes);
    for (let i = 0, m = this.pollCount; i < m; i++) {
      const k = unchecked(poll[i]);
      const c = unchecked(cases[k]);
      const node = nodes + <usize>k * NODE_SIZE;
      const q = changetype<ChannelCore>(c.chan).queueOf(c.kind == K_SEND);
      store<i32>(node, CASE_MARK, N_MARK);
      store<i32>(node, k, N_INDEX);
      store<usize>(node, self + S_DONE, N_DONE);
      store<usize>(node, t, N_THREAD);
      store<usize>(node, q, N_QUEUE);
      store<u64>(node, c.bits, N_VALUE);
      qPush(q, node);
    }
    if (timed) unlock(TIMER_LOCK);
    this.unlockAll();
  }

  /** Pass 3, once woken: takes the other nodes out of their queues, the timer out of the heap; returns the case. */
  private dequeue(t: usize): i32 {
    const cases = this.cases;
    const poll = this.pollOrder;
    const nodes = changetype<usize>(this.nodes);
    // A node a claimer took out has N_QUEUE 0 for good (it stores it after its CAS).
    for (let i = 0, m = this.pollCount; i < m; i++) {
      const k = unchecked(poll[i]);
      const node = nodes + <usize>k * NODE_SIZE;
      if (atomic.load<usize>(node + N_QUEUE) == 0) continue;
      const ch = changetype<usize>(unchecked(cases[k]).chan);
      lock(ch);
      const q = load<usize>(node, N_QUEUE);
      if (q != 0) {
        qUnlink(q, node);
        store<usize>(node, 0, N_QUEUE);
      }
      unlock(ch);
    }
    if (atomic.load<u32>(t + T_TIMER) != 0) {
      lock(TIMER_LOCK);
      removeTimerLocked(t);
      unlock(TIMER_LOCK);
    }
    store<u8>(t, <u8>W_NONE, T_WAIT_KIND); // only now: a timer that fires tells a select by it (scheduler/timers.ts)
    this.waiting = 0;
    const won = atomic.load<i32>(changetype<usize>(this) + S_DONE);
    if (won == SELECT_CANCELLED) exitCancelled();
    const k = won - 1;
    const c = unchecked(cases[k]);
    if (c.kind == K_RECV) return this.received(k, <i32>load<u8>(t, T_WAKE) == WAKE_GRANTED, t);
    if (c.kind == K_SEND && <i32>load<u8>(t, T_WAKE) != WAKE_GRANTED) changetype<ChannelCore>(c.chan).closedError("send");
    return this.finished(k);
  }

  /** For dumps (debug/dump.ts): one string per enabled case ("receive on \"jobs\"", "send on channel", "timeout"). */
  describeCases(): Array<string> {
    const out = new Array<string>();
    const cases = this.cases;
    for (let k = 0; k < cases.length; k++) {
      const c = unchecked(cases[k]);
      if (!c.enabled) continue;
      if (c.kind == K_TIMEOUT) { out.push("timeout"); continue; }
      if (c.kind == K_DEFAULT) continue;
      const name = changetype<ChannelCore>(c.chan).name;
      out.push((c.kind == K_SEND ? "send on " : "receive on ") + (name.length > 0 ? "channel \"" + name + "\"" : "a channel"));
    }
    return out;
  }

  // --- internals ---

  private add(c: Case): i32 {
    this.cases.push(c);
    this.dirty = true;
    return this.cases.length - 1;
  }

  private timerCase(): i32 {
    if (this.timeoutCase == NO_CASE) this.timeoutCase = this.add(new Case(K_TIMEOUT));
    return this.timeoutCase;
  }

  private caseAt(k: i32, what: string): Case {
    if (k < 0 || k >= this.cases.length) failCurrent("Select." + what + ": no case " + k.toString() + " (it has " + this.cases.length.toString() + ")");
    return unchecked(this.cases[k]);
  }

  /** Rebuilds the lock order and the poll list from the enabled cases, and sizes the node buffer. */
  private prepare(): void {
    const cases = this.cases;
    const n = cases.length;
    if (this.pollOrder.length < n) {
      this.pollOrder = new StaticArray<i32>(n);
      this.lockOrder = new StaticArray<usize>(n);
      this.nodes = new StaticArray<u64>(n * <i32>(NODE_SIZE / 8));
    }
    const locks = this.lockOrder;
    const poll = this.pollOrder;
    let m = 0, l = 0;
    for (let k = 0; k < n; k++) {
      const c = unchecked(cases[k]);
      if (!c.enabled || (c.kind != K_RECV && c.kind != K_SEND)) continue;
      unchecked(poll[m++] = k);
      const a = changetype<usize>(c.chan);
      let seen = false;
      for (let j = 0; j < l; j++) if (unchecked(locks[j]) == a) seen = true;
      if (seen) continue;
      let i = l++; // insertion sort by address
      while (i > 0 && unchecked(locks[i - 1]) > a) {
        unchecked(locks[i] = unchecked(locks[i - 1]));
        i--;
      }
      unchecked(locks[i] = a);
    }
    this.pollCount = m;
    this.lockCount = l;
    this.dirty = false;
  }

  private unlockAll(): void {
    const locks = this.lockOrder;
    for (let i = this.lockCount - 1; i >= 0; i--) unlock(unchecked(locks[i]));
  }

  private received(k: i32, ok: bool, t: usize): i32 {
    const bits = ok ? load<u64>(t, T_SLOT) : 0;
    this.gotBits = bits;
    this.gotOk = ok;
    this.gotKeep = (unchecked(this.cases[k]).type & 16) ? changetype<Object | null>(<usize>bits) : null;
    this.chosenCase = k;
    return k;
  }

  private finished(k: i32): i32 {
    this.gotBits = 0;
    this.gotOk = false;
    this.gotKeep = null;
    this.chosenCase = k;
    return k;
  }
}
