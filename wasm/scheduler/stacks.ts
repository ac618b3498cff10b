// Saved stacks. Every unwind writes into the worker's scratch buffer; the scheduler then copies the frames into a
// block of the thread's own, sized to fit, and rewinds from there.
//
// Why not unwind straight into the thread's block: Asyncify checks the buffer's end only when the unwind stops, so an
// undersized buffer would overwrite its neighbour before the trap. The scratch buffer is larger than any stack a
// worker can hold (workers run with a 1 MiB native stack, see host/workers), and a canary after it turns an overflow
// into a clear error instead of silent corruption. The copy is a few dozen bytes at shallow depth.

import { heapAlloc, heapFree, heapCapacity, setNoScan, setScanAsyncify } from "../memory/heap";
import { STAT_STACK_GROWTHS } from "../memory/layout";
import { scratch } from "./local";
import { T_STACK } from "./thread";

/** Bytes of the scratch buffer, Asyncify's 8-byte {current, end} header included. */
// @ts-ignore: decorator
@inline export const SCRATCH_SIZE: usize = 2 << 20;
// @ts-ignore: decorator
@inline const CANARY: u64 = 0x5654_4852_4541_4453; // "VTHREADS"

export function allocScratch(): usize {
  const p = heapAlloc(SCRATCH_SIZE + 8);
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

/** Copies the frames of the unwind that just stopped into the thread's own block; false when out of memory. */
export function saveStack(t: usize): bool {
  const used = scratchUsed();
  let stack = load<usize>(t, T_STACK);
  if (stack == 0 || heapCapacity(stack) < used + 8) {
    if (stack != 0) {
      heapFree(stack);
      atomic.add<u32>(STAT_STACK_GROWTHS, 1);
    }
    stack = heapAlloc(used + 8);
    store<usize>(t, stack, T_STACK);
    if (stack == 0) return false;
    setScanAsyncify(stack); // the collector scans only the saved frames, [8, current)
  }
  memory.copy(stack + 8, scratch + 8, used);
  // A rewind reads the frames back from the top down, so `current` starts at the end of what was saved.
  store<usize>(stack, stack + 8 + used);
  store<usize>(stack, stack + 8 + used, 4);
  return true;
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
