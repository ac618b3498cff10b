// Churn guest (the churn of test/guests/gc.ts, lighter: no Uint8Array, no child per round): thousands of threads
// each building a small structure, parking (sleep, yield), checking it and dropping it, plus short-lived garbage;
// 4 workers. The driver (spawn, seeds, join) is guest-lib/churn.ts, shared with the test guests.
import { yieldNow, sleep } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { churnRounds, churnSeed, churnThreads } from "../../guest-lib/churn";

class Rec {
  constructor(public id: u32, public name: string, public items: Array<i32>, public next: Rec | null) {}
}

function build(x: u32, n: i32): Rec | null {
  let head: Rec | null = null;
  for (let i = 0; i < n; i++) {
    x = xorshift(x);
    const items = new Array<i32>(0);
    for (let k = 0; k < <i32>(x % 6); k++) items.push(<i32>(x >>> <u32>k));
    head = new Rec(x, "r" + x.toString(16), items, head);
  }
  return head;
}

function checksum(r: Rec | null): u64 {
  let h: u64 = 1469598103934665603;
  while (r) {
    h = (h ^ <u64>r.id) * 1099511628211;
    for (let i = 0; i < r.name.length; i++) h = (h ^ <u64>r.name.charCodeAt(i)) * 1099511628211;
    for (let i = 0; i < r.items.length; i++) h = (h ^ <u64><u32>r.items[i]) * 1099511628211;
    r = r.next;
  }
  return h;
}

function churner(arg: i64): i32 {
  let x = churnSeed(arg);
  const rounds = churnRounds(arg);
  let bad = 0;
  for (let r = 0; r < rounds; r++) {
    x = xorshift(x);
    const kept = build(x, 1 + <i32>(x % 4));
    const sum = checksum(kept);
    x = xorshift(x);
    if (checksum(build(x, 2)) == 0) bad++; // garbage
    if (x % 3 == 0) sleep(<f64>(x & 1)); else yieldNow();
    if (checksum(kept) != sum) bad++;
  }
  return bad;
}

/** Returns the number of checksum mismatches (0 expected). */
export function churn(threads: i32, rounds: i32, seed: i32): i32 {
  return churnThreads(threads, rounds, seed, churner);
}
