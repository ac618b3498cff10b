// Deliberately does not compile (test/toolchain/closures.test.ts): a type error inside a capturing closure's body
// must be reported at the user's line and column. Keep the line numbers.
import { ThreadGroup } from "vthreads";

export function typeErrorInside(url: string): i32 {
  const g = new ThreadGroup();
  const f = g.spawn((): i32 => { const n: string = url.length; return n.length; });
  g.join();
  return f.get();
}
