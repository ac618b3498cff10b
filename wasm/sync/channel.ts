// Channel<T>: messages between virtual threads, FIFO.
//
// - Capacity: `new Channel<T>(n)` buffers up to n messages (a sender waits when full); `new Channel<T>(0)` is a
//   rendezvous (each send waits for its receiver); `new Channel<T>()` is unbounded (send never waits).
// - `close()`: no more sends (a send fails the sender); receivers drain what is buffered, then learn it is closed.
// - Receiving: `recv()` returns the next message (and fails the caller if the channel is closed and empty); to
//   receive until closed, `while (ch.next()) use(ch.take())`: `next()` waits for a message (true) or the end
//   (false), and `take()` returns the message this thread received (Go's `v, ok := <-ch`: after a false `next()`,
//   `take()` gives T's zero value, never an earlier message). `tryRecv()` is `next()` without waiting.
// - Select (sync/select.ts) waits on several channels at once; its cases wait in the same queues as threads.
//
// A waiting sender keeps its message in its thread record (or its select case); a receiver that arrives takes it
// from there (and a waiting receiver gets its message written into its record), so a message is handed over
// exactly once. Queue entries are taken with `takeWaiter` (scheduler/waiter.ts), which claims a select case before
// handing it anything.

import { current } from "../scheduler/local";
import { T_SLOT, T_NEXT, W_SEND, W_RECV, isCancelled } from "../scheduler/thread";
import { waitIn } from "../scheduler/waitq";
import { WAKE_GRANTED, WAKE_CLOSED } from "../memory/layout";
import { unpark } from "../scheduler/park";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";
import { toBits, fromBits } from "../scheduler/bits";
import { takeWaiter, complete, offered } from "../scheduler/waiter";

/** Capacity of a channel whose sends never wait. */
// @ts-ignore: decorator
@inline export const UNBOUNDED: i32 = -1;

/** Which kind of value a channel carries (reference, float or integer, and its size), for Select to check. */
// @ts-ignore: decorator
@inline export function typeCode<T>(): u32 {
  return (isReference<T>() ? 16 : isFloat<T>() ? 32 : 0) + <u32>sizeof<T>();
}

/**
 * The part of a channel that does not depend on its message type: the lock, the counters and the wait queues.
 * Select works on channels of any type through it; the typed buffer is reached through `ringTake`/`ringPut`.
 */
export class ChannelCore {
  protected lock: i32 = 0;
  protected closedFlag: i32 = 0;
  protected count: i32 = 0;
  protected head: i32 = 0;
  protected sendHead: usize = 0;
  protected sendTail: usize = 0;
  protected recvHead: usize = 0;
  protected recvTail: usize = 0;
  /** A thread the last `tryRecvLocked`/`trySendLocked` woke: the caller unparks it once it has unlocked. */
  private toWake: usize = 0;
  /** How many messages it buffers: 0 for a rendezvous, UNBOUNDED (-1) when sends never wait. */
  readonly capacity: i32;
  readonly name: string;
  /** typeCode<T>() of its messages. */
  readonly typeCode: u32;

  constructor(capacity: i32, name: string, typeCode: u32) {
    this.typeCode = typeCode;
    if (capacity < UNBOUNDED) failCurrent("Channel: capacity must be >= 0, or UNBOUNDED (-1); got " + capacity.toString());
    this.capacity = capacity;
    this.name = name;
  }

  /** Messages buffered now (a snapshot: other threads may change it at once). */
  get length(): i32 {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<ChannelCore>("count"));
  }

  /** True once `close()` was called (messages may still be buffered: `length` says how many). */
  get closed(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<ChannelCore>("closedFlag")) != 0;
  }

  /** Threads (and select cases) waiting to send now: a diagnostic snapshot. */
  get waitingSenders(): i32 {
    return this.countQueue(changetype<usize>(this) + offsetof<ChannelCore>("sendHead"));
  }

  /** Threads (and select cases) waiting to receive now: a diagnostic snapshot. */
  get waitingReceivers(): i32 {
    return this.countQueue(changetype<usize>(this) + offsetof<ChannelCore>("recvHead"));
  }

  private countQueue(q: usize): i32 {
    const self = changetype<usize>(this);
    lock(self);
    let n = 0;
    for (let w = load<usize>(q); w != 0; w = load<usize>(w, T_NEXT)) n++;
    unlock(self);
    return n;
  }

  /** No more sends; waiting receivers and senders are woken (receivers still drain the buffer). Idempotent. */
  close(): void {
    const self = changetype<usize>(this);
    lock(self);
    if (this.closedFlag) { unlock(self); return; }
    atomic.store<i32>(self + offsetof<ChannelCore>("closedFlag"), 1);
    // The buffer is empty when receivers wait: each learns the channel is closed; each sender fails.
    let woken: usize = 0;
    let w: usize;
    while ((w = takeWaiter(self + offsetof<ChannelCore>("recvHead"))) != 0) woken = this.chain(woken, complete(w, WAKE_CLOSED, 0, true));
    while ((w = takeWaiter(self + offsetof<ChannelCore>("sendHead"))) != 0) woken = this.chain(woken, complete(w, WAKE_CLOSED, 0, false));
    unlock(self);
    while (woken != 0) {
      const next = load<usize>(woken, T_NEXT); // read first: once woken, it may run elsewhere
      unpark(woken);
      woken = next;
    }
  }

  /** Links woken threads through their `next` (free: a thread is out of every queue once taken, and a selecting
   *  thread links its case nodes, never itself). */
  private chain(list: usize, t: usize): usize {
    store<usize>(t, list, T_NEXT);
    return t;
  }

  // --- For Select, with the lock held (sync/select.ts) ---

  /** Receives without waiting: the message's bits into `*out`; returns 1 (got one), 0 (none ready) or -1 (closed and drained). */
  tryRecvLocked(out: usize): i32 {
    const self = changetype<usize>(this);
    if (this.count > 0) {
      store<u64>(out, this.ringTake());
      this.count--; // (ringPut appends after `count` messages)
      const s = takeWaiter(self + offsetof<ChannelCore>("sendHead"));
      if (s != 0) { // a sender waits for room: its message takes the free place
        this.ringPut(offered(s));
        this.count++;
        this.toWake = complete(s, WAKE_GRANTED, 0, false);
      }
      atomic.store<i32>(self + offsetof<ChannelCore>("count"), this.count); // for `length`, read without the lock
      return 1;
    }
    const s = takeWaiter(self + offsetof<ChannelCore>("sendHead"));
    if (s != 0) { // rendezvous: take the message straight from the waiting sender
      store<u64>(out, offered(s));
      this.toWake = complete(s, WAKE_GRANTED, 0, false);
      return 1;
    }
    return this.closedFlag ? -1 : 0;
  }

  /** Sends without waiting: 1 (delivered or buffered), 0 (full), -1 (closed). */
  trySendLocked(bits: u64): i32 {
    if (this.closedFlag) return -1;
    const self = changetype<usize>(this);
    const r = takeWaiter(self + offsetof<ChannelCore>("recvHead"));
    if (r != 0) { // a receiver waits, so the buffer is empty: hand it over
      this.toWake = complete(r, WAKE_GRANTED, bits, true);
      return 1;
    }
    const cap = this.capacity;
    if (cap == UNBOUNDED || this.count < cap) {
      this.ringPut(bits);
      atomic.store<i32>(self + offsetof<ChannelCore>("count"), this.count + 1);
      return 1;
    }
    return 0;
  }

  /** The thread the last try...Locked call woke (0 for none), to unpark once the lock is released. */
  takeToWake(): usize {
    const t = this.toWake;
    this.toWake = 0;
    return t;
  }

  /** The queue a select case of this channel waits in. */
  queueOf(send: bool): usize {
    return changetype<usize>(this) + (send ? offsetof<ChannelCore>("sendHead") : offsetof<ChannelCore>("recvHead"));
  }

  /** Takes the oldest buffered message (count > 0; the caller updates count). */
  protected ringTake(): u64 { unreachable(); return 0; }
  /** Appends a message after the buffered ones (there is room, or the channel is unbounded). */
  protected ringPut(bits: u64): void { unreachable(); }

  closedError(what: string): void {
    failCurrent("Channel" + (this.name.length == 0 ? "" : " \"" + this.name + "\"") + " " + what +
      ": the channel is closed" + (what == "recv" ? " and empty" : ""));
  }
}

export class Channel<T> extends ChannelCore {
  private ring: StaticArray<T>;

  constructor(capacity: i32 = UNBOUNDED, name: string = "") {
    super(capacity, name, typeCode<T>());
    this.ring = new StaticArray<T>(capacity == UNBOUNDED ? 16 : capacity);
  }

  /** Sends `value`, waiting while the channel is full. Fails the caller if the channel is (or gets) closed. */
  send(value: T): void {
    const t = current;
    if (t == 0) requireThread("Channel.send");
    if (isCancelled(t)) exitCancelled();
    const self = changetype<usize>(this);
    lock(self);
    if (this.offer(value)) return; // unlocked
    store<u64>(t, toBits<T>(value), T_SLOT);
    const r = waitIn(self, self + offsetof<ChannelCore>("sendHead"), W_SEND, self);
    if (r == WAKE_GRANTED) return;
    if (r == WAKE_CLOSED) this.closedError("send");
    exitCancelled();
  }

  /** Sends `value` if that needs no waiting; false when the channel is full. Fails the caller if it is closed. */
  trySend(value: T): bool {
    const self = changetype<usize>(this);
    lock(self);
    if (this.offer(value)) return true;
    unlock(self);
    return false;
  }

  /** With the lock held: delivers `value` without waiting if possible (then unlocks and returns true). */
  private offer(value: T): bool {
    const self = changetype<usize>(this);
    if (this.closedFlag) {
      unlock(self);
      this.closedError("send");
    }
    const r = takeWaiter(self + offsetof<ChannelCore>("recvHead"));
    if (r != 0) { // a receiver waits, so the buffer is empty: hand it over
      const t = complete(r, WAKE_GRANTED, toBits<T>(value), true);
      unlock(self);
      unpark(t);
      return true;
    }
    const cap = this.capacity;
    if (cap == UNBOUNDED || this.count < cap) {
      this.put(value);
      atomic.store<i32>(self + offsetof<ChannelCore>("count"), this.count + 1);
      unlock(self);
      return true;
    }
    return false;
  }

  /**
   * Waits for the next message: true when one arrived (read it with `take()`), false once the channel is closed
   * and drained (then `take()` gives T's zero value). Ends a cancelled caller.
   */
  next(): bool {
    const t = current;
    if (t == 0) requireThread("Channel.next");
    if (isCancelled(t)) exitCancelled();
    const self = changetype<usize>(this);
    lock(self);
    const got = this.tryRecvLocked(t + T_SLOT);
    if (got > 0) {
      const s = this.takeToWake();
      unlock(self);
      if (s != 0) unpark(s);
      return true;
    }
    if (got < 0) { unlock(self); store<u64>(t, 0, T_SLOT); return false; }
    const r = waitIn(self, self + offsetof<ChannelCore>("recvHead"), W_RECV, self);
    if (r == WAKE_GRANTED) return true;
    if (r == WAKE_CLOSED) { store<u64>(t, 0, T_SLOT); return false; }
    exitCancelled();
    return false;
  }

  /**
   * Receives without waiting: true when a message was ready (read it with `take()`); false when none is, or the
   * channel is closed and drained (`closed` tells which; `take()` then gives T's zero value).
   */
  tryRecv(): bool {
    const t = current;
    if (t == 0) requireThread("Channel.tryRecv");
    const self = changetype<usize>(this);
    lock(self);
    const got = this.tryRecvLocked(t + T_SLOT);
    const s = this.takeToWake();
    unlock(self);
    if (s != 0) unpark(s);
    if (got <= 0) store<u64>(t, 0, T_SLOT);
    return got > 0;
  }

  /** The message the calling thread received with its last successful `next()` or `tryRecv()`. */
  take(): T {
    const t = current;
    if (t == 0) requireThread("Channel.take");
    return fromBits<T>(load<u64>(t, T_SLOT));
  }

  /** Waits for the next message and returns it; fails the caller if the channel is closed and drained. */
  recv(): T {
    if (!this.next()) this.closedError("recv");
    return this.take();
  }

  private put(value: T): void {
    if (this.count == this.ring.length) this.grow();
    const ring = this.ring;
    unchecked(ring[(this.head + this.count) % ring.length] = value);
  }

  protected ringTake(): u64 {
    const ring = this.ring;
    const v = unchecked(ring[this.head]);
    if (isReference<T>()) unchecked(ring[this.head] = changetype<T>(0)); // the buffer must not keep it alive
    this.head = (this.head + 1) % ring.length;
    return toBits<T>(v);
  }

  protected ringPut(bits: u64): void {
    this.put(fromBits<T>(bits));
  }

  private grow(): void {
    const old = this.ring;
    const n = old.length;
    const ring = new StaticArray<T>(n * 2);
    for (let i = 0; i < n; i++) unchecked(ring[i] = old[(this.head + i) % n]);
    this.ring = ring;
    this.head = 0;
  }
}
