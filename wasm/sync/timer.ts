// Timer channels, usable as select cases (Go's time.After and time.NewTicker):
//
//   after(ms): Timer     a channel that receives the time (now()) once, `ms` milliseconds from now
//   ticker(ms): Timer    a channel that receives the time every `ms` milliseconds until `stop()`
//
// No thread waits behind a timer channel: the channel itself is an entry of the timer heap (scheduler/timers.ts),
// and the worker that fires it sends the time without waiting. The channel buffers one message; a tick that finds
// it full is dropped (a slow receiver gets the pending tick, not a backlog). `stop()` takes the timer out
// of the heap at once: a stopped or fired one-shot timer holds nothing, and a ticker must be stopped, or it keeps
// its timer (and itself) alive for the runtime's life.

import { Channel, ChannelCore } from "./channel";
import { TIMER_LOCK } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { addTimerLocked, removeTimerLocked, CHANNEL_TARGET } from "../scheduler/timers";
import { unpark } from "../scheduler/park";
import { failCurrent } from "../scheduler/fail";
import { now as clockNow } from "../scheduler/clock";
import { toBits } from "../scheduler/bits";

export class Timer extends Channel<f64> {
  private timerSlot: u32 = 0;
  private period: f64;
  private due: f64;
  private stopped: bool = false;

  constructor(ms: f64, period: f64, name: string) {
    super(1, name);
    this.period = period;
    this.due = clockNow() + ms;
    lock(TIMER_LOCK);
    const ok = addTimerLocked(this.due, changetype<usize>(this) | CHANNEL_TARGET);
    unlock(TIMER_LOCK);
    if (!ok) failCurrent("out of memory: cannot register a timer");
  }

  /**
   * Stops the timer: after this returns, nothing more arrives, and a tick it had sent but nobody had received yet is
   * dropped (as in Go 1.23: no stale value after Stop). True when it was still pending (a one-shot not yet fired, or
   * a running ticker).
   */
  stop(): bool {
    const self = changetype<usize>(this);
    lock(self); // the channel's lock, then the timer lock: the order of a select (and of `timerChannelFired`)
    lock(TIMER_LOCK);
    const pending = this.timerSlot != 0 || (this.period > 0 && !this.stopped);
    this.stopped = true;
    removeTimerLocked(self | CHANNEL_TARGET);
    unlock(TIMER_LOCK);
    if (this.count > 0) {
      this.ringTake();
      this.count = 0;
      atomic.store<i32>(self + offsetof<ChannelCore>("count"), 0);
    }
    unlock(self);
    return pending;
  }

  /** True while the timer may still send (not stopped, and for a one-shot not yet fired). */
  get pending(): bool {
    return !this.stopped && (this.period > 0 || atomic.load<u32>(changetype<usize>(this) + offsetof<Timer>("timerSlot")) != 0);
  }
}

/** A channel that receives the time once, `ms` milliseconds from now (a select case that fires after `ms`). */
export function after(ms: f64): Timer {
  if (!(ms >= 0)) failCurrent("after: the duration must be a non-negative number of milliseconds, got " + ms.toString());
  return new Timer(ms, 0, "after");
}

/** A channel that receives the time every `ms` milliseconds until `stop()`. */
export function ticker(ms: f64): Timer {
  if (!(ms > 0)) failCurrent("ticker: the period must be a positive number of milliseconds, got " + ms.toString());
  return new Timer(ms, ms, "ticker");
}

/** Where the timer heap keeps 1 + the timer channel's index (scheduler/timers.ts, through scheduler/hooks.ts). */
// @ts-ignore: decorator
@inline export const TIMER_CHANNEL_SLOT: usize = offsetof<Timer>("timerSlot");

/** The timer of channel `ch` fired (already out of the heap, TIMER_LOCK free): send the time, re-arm a ticker. */
export function timerChannelFired(ch: usize, time: f64): void {
  const timer = changetype<Timer>(ch);
  lock(ch);
  // @ts-ignore: private access
  if (timer.stopped) { unlock(ch); return; } // stopped after it left the heap: `stop()` promised nothing more
  timer.trySendLocked(toBits<f64>(time)); // full: the tick is dropped
  const woken = timer.takeToWake();
  unlock(ch);
  if (woken != 0) unpark(woken);
  // @ts-ignore: private access
  const period = timer.period;
  if (period <= 0) return;
  lock(TIMER_LOCK);
  // @ts-ignore: private access
  if (!timer.stopped) {
    // @ts-ignore: private access
    let due = timer.due + period;
    if (due <= time) due = time + period; // missed ticks are not made up
    // @ts-ignore: private access
    timer.due = due;
    addTimerLocked(due, ch | CHANNEL_TARGET);
  }
  unlock(TIMER_LOCK);
}
