// Deliberately unbuildable (test/runtime/bad-input.test.ts): exports whose types cannot cross the host boundary.

class Point {
  x: i32 = 0;
}

export function usesClass(p: Point): i32 {
  return p.x;
}

export function returnsMap(): Map<string, i32> {
  return new Map<string, i32>();
}

export function fine(a: i32): i32 {
  return a;
}
