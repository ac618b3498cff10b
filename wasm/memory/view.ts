// Keeping this worker's view of the shared memory up to date.
//
// When one worker grows the memory, V8 tells the other instances about the new size asynchronously (at their next
// interrupt check), so for a short while another worker can trap on an access to the new pages, even after it has
// synchronised with the grower through an atomic (seen in an experiment: about 1 in 100 tight races; recorded in
// docs/design.md). `memory.grow(0)` refreshes the calling instance's view at once. So every grow bumps GROW_COUNT,
// and a worker that has just obtained a pointer another worker may have allocated calls `syncMemoryView` before it
// dereferences it; it costs one load and a compare unless the memory grew since this worker last looked.

import { GROW_COUNT } from "./layout";

/** GROW_COUNT when this worker last refreshed its view (a Wasm global: per worker). */
let seenGrows: u32 = 0;

// @ts-ignore: decorator
@inline export function syncMemoryView(): void {
  if (atomic.load<u32>(GROW_COUNT) != seenGrows) refreshView();
}

function refreshView(): void {
  seenGrows = atomic.load<u32>(GROW_COUNT);
  memory.grow(0);
}

/** Called by the worker that grew the memory. */
export function memoryGrew(): void {
  atomic.add<u32>(GROW_COUNT, 1);
}
