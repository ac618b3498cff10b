// The pseudo-random stream the test and benchmark guests share with their JS replays (test/runtime/helpers.ts,
// xorshift32).
export function xorshift(x: u32): u32 {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}
