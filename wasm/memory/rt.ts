// The AssemblyScript runtime interface (what `new`, strings and arrays call), on top of the shared heap.
//
// The toolchain compiles with `--runtime <this file>`. AssemblyScript's own runtimes cannot be used: each instance
// restarts its heap at `__heap_base`, so two workers would hand out the same addresses.
//
// `__new` gives managed blocks, which the collector (memory/gc.ts) traces through `__visit` and frees when nothing
// reaches them; `__alloc` gives raw blocks, freed only explicitly, which the collector scans as roots.

// Imported by package name: asc loads this file by path, and a relative import would compile a second copy of the
// heap under another name.
import { heapAlloc, heapAllocManaged, heapFree, heapRealloc, requestCollection } from "vthreads/memory/heap";
import { gcVisit, writeBarrier, logGrey, isMarking } from "vthreads/memory/gc";
import { pin, unpin } from "vthreads/memory/pins";
import { OBJECT_OVERHEAD, OBJECT_RT_ID, OBJECT_RT_SIZE, OBJECT_RT_SIZE_BACK } from "vthreads/memory/layout";

// @ts-ignore: decorator
@inline const OBJECT_MAXSIZE: usize = (1 << 30) - 4 - OBJECT_OVERHEAD;

// @ts-ignore: decorator
@lazy const OUT_OF_MEMORY = "out of memory: the shared memory reached its maximum size";
// @ts-ignore: decorator
@lazy const TOO_LARGE = "allocation too large";

function allocOrAbort(size: usize): usize {
  const ptr = heapAlloc(size);
  if (ptr == 0) throw new Error(OUT_OF_MEMORY);
  return ptr;
}

// @ts-ignore: decorator
@unsafe @global
export function __alloc(size: usize): usize {
  return allocOrAbort(size);
}

// @ts-ignore: decorator
@unsafe @global
export function __realloc(ptr: usize, size: usize): usize {
  const moved = heapRealloc(ptr, size);
  if (moved == 0) throw new Error(OUT_OF_MEMORY);
  return moved;
}

// @ts-ignore: decorator
@unsafe @global
export function __free(ptr: usize): void {
  heapFree(ptr);
}

/** Objects of at most this many bytes are zeroed with stores in `__new`. */
// @ts-ignore: decorator
@inline const SMALL_ZEROED: usize = 64;

// @ts-ignore: decorator
@unsafe @global
export function __new(size: usize, id: u32): usize {
  if (size > OBJECT_MAXSIZE) throw new Error(TOO_LARGE);
  const ptr = heapAllocManaged(OBJECT_OVERHEAD + size);
  if (ptr == 0) throw new Error(OUT_OF_MEMORY);
  // Compiled code expects a new object to be zeroed (fields without initialisers, StaticArray elements), and a
  // recycled block holds whatever its last owner left. Small objects (a future, a group) with stores: `memory.fill`
  // is a call out of the compiled code in V8 (a block's payload is 16-byte aligned, so these stores are aligned).
  const body = ptr + OBJECT_OVERHEAD;
  if (size <= SMALL_ZEROED && (size & 3) == 0) {
    for (let p = body, end = body + size; p < end; p += 4) store<u32>(p, 0);
  } else {
    memory.fill(body, 0, size);
  }
  store<u32>(ptr, id, OBJECT_RT_ID);
  store<u32>(ptr, <u32>size, OBJECT_RT_SIZE);
  return ptr + OBJECT_OVERHEAD;
}

// @ts-ignore: decorator
@unsafe @global
export function __renew(oldPtr: usize, size: usize): usize {
  if (size > OBJECT_MAXSIZE) throw new Error(TOO_LARGE);
  const oldSize = <usize>load<u32>(oldPtr - OBJECT_RT_SIZE_BACK);
  const moved = heapRealloc(oldPtr - OBJECT_OVERHEAD, OBJECT_OVERHEAD + size);
  if (moved == 0) throw new Error(OUT_OF_MEMORY);
  if (size > oldSize) memory.fill(moved + OBJECT_OVERHEAD + oldSize, 0, size - oldSize); // zeroed, like __new
  store<u32>(moved, <u32>size, OBJECT_RT_SIZE);
  // A copy made while the collector marks is born marked, and the collector may not have traced the original: have
  // it traced (a buffer's references are its owner's children in the standard library, but nothing promises that).
  if (moved != oldPtr - OBJECT_OVERHEAD && isMarking()) logGrey(moved + OBJECT_OVERHEAD);
  return moved + OBJECT_OVERHEAD;
}

// The collector hooks.

/** The write barrier (memory/gc.ts): while a collection marks, the stored object is shaded. Inlined: one load and a branch per store. */
// @ts-ignore: decorator
@global @unsafe @inline
export function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {
  writeBarrier(childPtr);
}

// @ts-ignore: decorator
@lazy const PIN_FAILED = "out of memory: cannot pin a reference";
// @ts-ignore: decorator
@lazy const NOT_PINNED = "unpin: the reference is not pinned";

/** Keeps `ptr` alive, even when nothing the collector scans refers to it, until `__unpin(ptr)`. */
// @ts-ignore: decorator
@global @unsafe
export function __pin(ptr: usize): usize {
  if (!pin(ptr)) throw new Error(PIN_FAILED);
  return ptr;
}

// @ts-ignore: decorator
@global @unsafe
export function __unpin(ptr: usize): void {
  if (!unpin(ptr)) throw new Error(NOT_PINNED);
}

/**
 * Requests a collection. It cannot run here: the calling thread's locals live in Wasm locals the collector cannot
 * see, so it runs when every worker has reached its next scheduling point (a yield, a park, `checkpoint()`).
 */
// @ts-ignore: decorator
@global @unsafe
export function __collect(): void {
  requestCollection();
}

// @ts-ignore: decorator
@global @unsafe
function __visit(ptr: usize, cookie: u32): void {
  gcVisit(ptr, cookie);
}
