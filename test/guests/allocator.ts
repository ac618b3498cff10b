// Guest of test/runtime/allocator.test.ts: many threads on several workers allocating, filling, checking and freeing
// blocks of mixed sizes at once, so that blocks handed out twice, blocks freed under a live owner, or a memory grown
// twice for the same need show up as a wrong pattern.
import { yieldNow } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { churnRounds, churnSeed, churnThreads } from "../../guest-lib/churn";

/** Blocks each thread holds at a time. */
const HELD = 16;

function fill(block: usize, size: usize, tag: u32): void {
  for (let i: usize = 0; i + 4 <= size; i += 4) store<u32>(block + i, tag ^ <u32>i);
}

function check(block: usize, size: usize, tag: u32): i32 {
  let bad = 0;
  for (let i: usize = 0; i + 4 <= size; i += 4) if (load<u32>(block + i) != (tag ^ <u32>i)) bad++;
  return bad;
}

/** One thread: `rounds` times, replace a random held block with a new one of random size; yield in between. */
function churner(arg: i64): i32 {
  let x = churnSeed(arg);
  const rounds = churnRounds(arg);
  const blocks = new StaticArray<usize>(HELD);
  const sizes = new StaticArray<usize>(HELD);
  const tags = new StaticArray<u32>(HELD);
  let bad = 0;
  for (let r = 0; r < rounds; r++) {
    x = xorshift(x);
    const slot = <i32>(x % HELD);
    if (blocks[slot] != 0) {
      bad += check(blocks[slot], sizes[slot], tags[slot]);
      heap.free(blocks[slot]);
    }
    x = xorshift(x);
    // Mostly small blocks (per-worker caches), sometimes large ones (the shared path and memory growth).
    const size: usize = (x & 7) == 0 ? 2048 + <usize>(x % 65536) : 4 + <usize>(x % 1000);
    const block = heap.alloc(size);
    x = xorshift(x);
    fill(block, size, x);
    blocks[slot] = block;
    sizes[slot] = size;
    tags[slot] = x;
    if ((r & 3) == 0) yieldNow(); // let other threads, on this worker and others, allocate in between
  }
  for (let i = 0; i < HELD; i++) {
    if (blocks[i] != 0) {
      bad += check(blocks[i], sizes[i], tags[i]);
      heap.free(blocks[i]);
    }
  }
  return bad;
}

/** n threads of `rounds` rounds each; returns how many words were found corrupted (0 when the allocator is right). */
export function churn(n: i32, rounds: i32, seed: i32): i32 {
  return churnThreads(n, rounds, seed, churner);
}
