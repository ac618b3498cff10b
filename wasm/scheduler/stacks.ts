// Saved stacks. Every unwind writes into the worker's scratch buffer; the scheduler then copies the frames into a
// block of the thread's own, sized to fit, and rewinds from there.
//
// Why not unwind straight into the thread's block: Asyncify checks the buffer's end only when the unwind stops, so an
// undersized buffer would overwrite its neighbour before the trap. The scratch buffer is larger than any stack a
// worker can hold (workers run with a 1 MiB native stack, see host/workers), and a canary after it turns an overflow
// into a clear error instead of silent corruption. The copy is a few dozen bytes at shallow depth.
//
// A thread's block holds only the frames, after one word that says where they end: Asyncify's {current, end}
// header, which start_rewind needs, is written for each rewind into a word pair beside the scratch buffer
// (`rewindFrom`), so a parked thread does not carry 8 bytes of it. A rewind reads the frames in place.

import { heapAlloc, heapFree, heapCapacity, setNoScan, setScanAsyncify, SAVED_FRAMES } from "../memory/heap";
import { STAT_STACK_GROWTHS } from "../memory/layout";
import { scratch } from "./local";
import { T_STACK } from "./thread";

/** Bytes of the scratch buffer, Asyncify's 8-byte {current, end} header included. */
// @ts-ignore: decorator
@inline export const SCRATCH_SIZE: usize = 2 << 20;
// @ts-ignore: decorator
@inline const CANARY: u64 = 0x5654_4852_4541_4453; // "VTHREADS"

/** Where the rewind header sits: after the scratch buffer and its canary. */
// @ts-ignore: decorator
@inline const REWIND_HEADER: usize = SCRATCH_SIZE + 8;

export function allocScratch(): usize {
  const p = heapAlloc(REWIND_HEADER + 8);
  if (p == 0) return 0;
  setNoScan(p); // at a safepoint it holds only a stale copy of frames already saved elsewhere: not a GC root
  store<u64>(p + SCRATCH_SIZE, CANARY);
  store<usize>(p, p + SCRATCH_SIZE, 4); // Asyncify's `end`: never changes
  return p;
}

export function scratchIntact(): bool {
  return load<u64>(scratch + SCRATCH_SIZE) == CANARY;
}

/** Bytes of frames the last unwind saved. */
export function scratchUsed(): usize {
  return load<usize>(scratch) - (scratch + 8);
}

/** Saved stacks of at most this many bytes are copied with loads and stores (`saveStack`). */
// @ts-ignore: decorator
@inline const SMALL_COPY: usize = 48;

/** Copies the frames of the unwind that just stopped into the thread's own block; false when out of memory. */
export function saveStack(t: usize): bool {
  const used = scratchUsed();
  let stack = load<usize>(t, T_STACK);
  if (stack == 0 || heapCapacity(stack) < SAVED_FRAMES + used) {
    if (stack != 0) {
      heapFree(stack);
      atomic.add<u32>(STAT_STACK_GROWTHS, 1);
    }
    stack = heapAlloc(SAVED_FRAMES + used);
    store<usize>(t, stack, T_STACK);
    if (stack == 0) return false;
    setScanAsyncify(stack); // the collector scans only the saved frames
  }
  const from = scratch + 8, to = stack + SAVED_FRAMES;
  // A shallow stack (most switches) word by word: `memory.copy` is a call out of the compiled code in V8. Asyncify
  // saves 4- and 8-byte values, so `used` is a multiple of 4.
  if (used <= SMALL_COPY && (used & 3) == 0) {
    for (let i: usize = 0; i < used; i += 4) store<u32>(to + i, load<u32>(from + i));
  } else {
    memory.copy(to, from, used);
  }
  store<usize>(stack, stack + SAVED_FRAMES + used); // where the frames end
  return true;
}

/**
 * The Asyncify data for rewinding `t` from its saved frames. A rewind reads the frames back from the top down, so
 * `current` starts where they end; `end` only has to be no lower (start_rewind checks it), and nothing is written.
 */
export function rewindFrom(t: usize): usize {
  const framesEnd = load<usize>(load<usize>(t, T_STACK));
  const header = scratch + REWIND_HEADER;
  store<usize>(header, framesEnd);
  store<usize>(header, framesEnd, 4);
  return header;
}

export function freeStack(t: usize): void {
  const stack = load<usize>(t, T_STACK);
  if (stack != 0) {
    heapFree(stack);
    store<usize>(t, 0, T_STACK);
  }
}

/** A thread that has unwound at least once has a saved stack to rewind. */
export function hasSavedStack(t: usize): bool {
  return load<usize>(t, T_STACK) != 0;
}
