// Deliberately does not compile (test/runtime/bad-input.test.ts): a number assigned to a string on line 5.
// Keep the line numbers: the test expects the error at compile-error.ts:5.

export function broken(a: i32): i32 {
  const s: string = a;
  return s.length;
}
