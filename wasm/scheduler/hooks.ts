// The scheduler core's only calls upward (docs/design.md, "Layers"). At three points the core must run code of a
// layer above it: a suspension that cannot unwind (a pinned thread, or the JSPI backend: driver/), a group's
// deadline (groups/) and a timer channel's tick (sync/) firing in the timer heap. Importing them would close an
// import cycle, so each is a hook: a function-table index that host/exports.ts registers on every worker at boot,
// before any thread runs, and the core calls with `call_indirect`. A hook called before it is set traps.

/** `(reason: i32) => void`: a thread with a host frame on its stack suspends in place (driver/pin.ts). */
let suspendPinnedFn: u32 = 0; // per worker
/** `(reason: i32) => void`: a thread suspends on its JSPI stack (driver/jspi.ts). */
let jspiSwitchFn: u32 = 0; // per worker
/** `(group: usize, now: f64) => void`: a group's deadline passed (groups/group.ts). */
let groupDeadlineFn: u32 = 0; // per worker
/** `(channel: usize, now: f64) => void`: a timer channel is due (sync/timer.ts). */
let timerChannelFn: u32 = 0; // per worker
/** Where a group and a timer channel keep their timer-heap slot (offsets into the object). */
let groupTimerSlotOffset: usize = 0; // per worker
let channelTimerSlotOffset: usize = 0; // per worker

// @ts-ignore: decorator
@inline function tableIndex<F>(fn: F): u32 {
  return load<u32>(changetype<usize>(fn)); // a function object's first field is its table index
}

/** Registers the hooks of the layers above (host/exports.ts, at boot). */
export function registerSuspendHooks(suspendPinned: (reason: i32) => void, jspiSwitch: (reason: i32) => void): void {
  suspendPinnedFn = tableIndex(suspendPinned);
  jspiSwitchFn = tableIndex(jspiSwitch);
}

export function registerTimerTargets(
  groupDeadline: (group: usize, now: f64) => void, groupSlotOffset: usize,
  timerChannel: (channel: usize, now: f64) => void, channelSlotOffset: usize,
): void {
  groupDeadlineFn = tableIndex(groupDeadline);
  groupTimerSlotOffset = groupSlotOffset;
  timerChannelFn = tableIndex(timerChannel);
  channelTimerSlotOffset = channelSlotOffset;
}

export function suspendPinned(reason: i32): void {
  call_indirect<void>(suspendPinnedFn, reason);
}

export function jspiSwitch(reason: i32): void {
  call_indirect<void>(jspiSwitchFn, reason);
}

export function groupDeadlinePassed(group: usize, now: f64): void {
  call_indirect<void>(groupDeadlineFn, group, now);
}

export function timerChannelFired(channel: usize, now: f64): void {
  call_indirect<void>(timerChannelFn, channel, now);
}

// @ts-ignore: decorator
@inline export function groupTimerSlot(group: usize): usize {
  return group + groupTimerSlotOffset;
}

// @ts-ignore: decorator
@inline export function timerChannelSlot(channel: usize): usize {
  return channel + channelTimerSlotOffset;
}
