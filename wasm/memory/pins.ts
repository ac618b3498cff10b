// The pin table: references the host (or a runtime record that is not a raw block) holds outside the guest's
// reach, kept alive until unpinned. The table is a raw block, so the collector scans it as a root region like any
// other runtime record; pinning is only bookkeeping. Pins nest: a reference pinned twice needs two unpins.

import { GC_PIN_LOCK, GC_PIN_TABLE, GC_PIN_COUNT } from "./layout";
import { lock, unlock } from "./spinlock";
import { heapAlloc, heapCapacity, heapRealloc } from "./heap";

/** Keeps `ptr` alive until `unpin(ptr)`; false when there is no memory to record it. */
export function pin(ptr: usize): bool {
  if (ptr == 0) return true;
  lock(GC_PIN_LOCK);
  let table = <usize>load<u32>(GC_PIN_TABLE);
  const count = <usize>load<u32>(GC_PIN_COUNT);
  if (table == 0 || (count + 1) << 2 > heapCapacity(table)) {
    const bytes = count < 32 ? <usize>128 : count << 3;
    const bigger = table == 0 ? heapAlloc(bytes) : heapRealloc(table, bytes);
    if (bigger == 0) { unlock(GC_PIN_LOCK); return false; }
    const capacity = heapCapacity(bigger);
    memory.fill(bigger + (count << 2), 0, capacity - (count << 2));
    table = bigger;
    store<u32>(GC_PIN_TABLE, <u32>table);
  }
  store<u32>(table + (count << 2), <u32>ptr);
  store<u32>(GC_PIN_COUNT, <u32>(count + 1));
  unlock(GC_PIN_LOCK);
  return true;
}

/** Undoes one `pin(ptr)`; false when `ptr` was not pinned. Searches from the newest pin (pins are mostly LIFO). */
export function unpin(ptr: usize): bool {
  if (ptr == 0) return true;
  lock(GC_PIN_LOCK);
  const table = <usize>load<u32>(GC_PIN_TABLE);
  const count = <usize>load<u32>(GC_PIN_COUNT);
  for (let i = count; i > 0; i--) {
    const at = table + ((i - 1) << 2);
    if (<usize>load<u32>(at) != ptr) continue;
    const last = table + ((count - 1) << 2);
    store<u32>(at, load<u32>(last));
    store<u32>(last, 0); // a stale entry would keep its object alive
    store<u32>(GC_PIN_COUNT, <u32>(count - 1));
    unlock(GC_PIN_LOCK);
    return true;
  }
  unlock(GC_PIN_LOCK);
  return false;
}

export function pinnedCount(): u32 {
  return atomic.load<u32>(GC_PIN_COUNT);
}
