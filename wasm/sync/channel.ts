// Channel<T>: messages between virtual threads, FIFO.
//
// - Capacity: `new Channel<T>(n)` buffers up to n messages (a sender waits when full); `new Channel<T>(0)` is a
//   rendezvous (each send waits for its receiver); `new Channel<T>()` is unbounded (send never waits).
// - `close()`: no more sends (a send fails the sender); receivers drain what is buffered, then learn it is closed.
// - Receiving: `recv()` returns the next message (and fails the caller if the channel is closed and empty); to
//   receive until closed, `while (ch.next()) use(ch.take())`: `next()` waits for a message (true) or the end
//   (false), and `take()` returns the message this thread received.
//
// A waiting sender keeps its message in its thread record; a receiver that arrives takes it from there (and a
// waiting receiver gets its message written into its record), so a message is handed over exactly once.

import { current } from "../scheduler/local";
import { T_CANCEL, T_SLOT, T_NEXT } from "../scheduler/thread";
import { waitIn, qTake, qTakeAll, unparkAll, W_SEND, W_RECV, WAKE_GRANTED, WAKE_CLOSED } from "../scheduler/waitq";
import { unpark } from "../scheduler/park";
import { failCurrent, exitCancelled, requireThread } from "../scheduler/fail";
import { lock, unlock } from "../memory/spinlock";
import { toBits, fromBits } from "../groups/bits";

/** Capacity of a channel whose sends never wait. */
// @ts-ignore: decorator
@inline export const UNBOUNDED: i32 = -1;

export class Channel<T> {
  private lock: i32 = 0;
  private closedFlag: i32 = 0;
  private count: i32 = 0;
  private head: i32 = 0;
  private sendHead: usize = 0;
  private sendTail: usize = 0;
  private recvHead: usize = 0;
  private recvTail: usize = 0;
  readonly capacity: i32;
  private ring: StaticArray<T>;
  readonly name: string;

  constructor(capacity: i32 = UNBOUNDED, name: string = "") {
    if (capacity < UNBOUNDED) failCurrent("Channel: capacity must be >= 0, or UNBOUNDED (-1); got " + capacity.toString());
    this.capacity = capacity;
    this.ring = new StaticArray<T>(capacity == UNBOUNDED ? 16 : capacity);
    this.name = name;
  }

  /** Messages buffered now. */
  get length(): i32 {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<Channel<T>>("count"));
  }

  get closed(): bool {
    return atomic.load<i32>(changetype<usize>(this) + offsetof<Channel<T>>("closedFlag")) != 0;
  }

  /** Sends `value`, waiting while the channel is full. Fails the caller if the channel is (or gets) closed. */
  send(value: T): void {
    const t = current;
    if (t == 0) requireThread("Channel.send");
    if (atomic.load<i32>(t + T_CANCEL) > 0) exitCancelled();
    const self = changetype<usize>(this);
    lock(self);
    if (this.offer(value)) return; // unlocked
    store<u64>(t, toBits<T>(value), T_SLOT);
    const r = waitIn(self, self + offsetof<Channel<T>>("sendHead"), W_SEND, self);
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
    const r = qTake(self + offsetof<Channel<T>>("recvHead"), WAKE_GRANTED);
    if (r != 0) { // a receiver waits, so the buffer is empty: hand it over
      store<u64>(r, toBits<T>(value), T_SLOT);
      unlock(self);
      unpark(r);
      return true;
    }
    const cap = this.capacity;
    if (cap == UNBOUNDED || this.count < cap) {
      if (this.count == this.ring.length) this.grow();
      const ring = this.ring;
      unchecked(ring[(this.head + this.count) % ring.length] = value);
      atomic.store<i32>(self + offsetof<Channel<T>>("count"), this.count + 1);
      unlock(self);
      return true;
    }
    return false;
  }

  /**
   * Waits for the next message: true when one arrived (read it with `take()`), false once the channel is closed
   * and drained. Ends a cancelled caller.
   */
  next(): bool {
    const t = current;
    if (t == 0) requireThread("Channel.next");
    if (atomic.load<i32>(t + T_CANCEL) > 0) exitCancelled();
    const self = changetype<usize>(this);
    lock(self);
    if (this.count > 0) {
      const ring = this.ring;
      store<u64>(t, toBits<T>(unchecked(ring[this.head])), T_SLOT);
      if (isReference<T>()) unchecked(ring[this.head] = changetype<T>(0)); // the buffer must not keep it alive
      this.head = (this.head + 1) % ring.length;
      let count = this.count - 1;
      // A sender waits for room: its message takes the free place.
      const s = qTake(self + offsetof<Channel<T>>("sendHead"), WAKE_GRANTED);
      if (s != 0) {
        unchecked(ring[(this.head + count) % ring.length] = fromBits<T>(load<u64>(s, T_SLOT)));
        count++;
      }
      atomic.store<i32>(self + offsetof<Channel<T>>("count"), count);
      unlock(self);
      if (s != 0) unpark(s);
      return true;
    }
    const s = qTake(self + offsetof<Channel<T>>("sendHead"), WAKE_GRANTED);
    if (s != 0) { // rendezvous: take the message straight from the waiting sender
      store<u64>(t, load<u64>(s, T_SLOT), T_SLOT);
      unlock(self);
      unpark(s);
      return true;
    }
    if (this.closedFlag) { unlock(self); return false; }
    const r = waitIn(self, self + offsetof<Channel<T>>("recvHead"), W_RECV, self);
    if (r == WAKE_GRANTED) return true;
    if (r == WAKE_CLOSED) return false;
    exitCancelled();
    return false;
  }

  /** The message the calling thread received with its last successful `next()`. */
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

  /** No more sends; waiting receivers and senders are woken (receivers still drain the buffer). Idempotent. */
  close(): void {
    const self = changetype<usize>(this);
    lock(self);
    if (this.closedFlag) { unlock(self); return; }
    atomic.store<i32>(self + offsetof<Channel<T>>("closedFlag"), 1);
    const receivers = qTakeAll(self + offsetof<Channel<T>>("recvHead"), WAKE_CLOSED);
    const senders = qTakeAll(self + offsetof<Channel<T>>("sendHead"), WAKE_CLOSED);
    unlock(self);
    unparkAll(receivers);
    unparkAll(senders);
  }

  private grow(): void {
    const old = this.ring;
    const n = old.length;
    const ring = new StaticArray<T>(n * 2);
    for (let i = 0; i < n; i++) unchecked(ring[i] = old[(this.head + i) % n]);
    this.ring = ring;
    this.head = 0;
  }

  private closedError(what: string): void {
    failCurrent("Channel" + (this.name.length == 0 ? "" : " \"" + this.name + "\"") + " " + what +
      ": the channel is closed" + (what == "recv" ? " and empty" : ""));
  }
}
