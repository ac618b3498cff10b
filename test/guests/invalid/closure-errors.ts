// Deliberately does not compile (test/toolchain/closures.test.ts): closures the transform rejects. Keep the line
// numbers: the test expects each error at its line and column.
import { ThreadGroup } from "vthreads";

export function assignedLater(n: i32): i32 {
  let total = n;
  const g = new ThreadGroup();
  const f = g.spawn(() => total + 1);
  total = 5;
  g.join();
  return f.get() + total;
}

export function parameterAssigned(n: i32): i32 {
  const g = new ThreadGroup();
  n += 1;
  const f = g.spawn(() => n * 2);
  g.join();
  return f.get();
}

export function loopBodyAssigns(n: i32): i32 {
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) {
    g.spawn(() => i);
    i++;
  }
  g.join();
  return 0;
}

export function blockReturnsUntyped(n: i32): i32 {
  const g = new ThreadGroup();
  const f = g.spawn(() => { return n; });
  g.join();
  return f.get();
}

export function withParameters(n: i32): i32 {
  const add = (x: i32): i32 => x + n;
  return 0;
}
