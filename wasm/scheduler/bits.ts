// A value of any AssemblyScript type as 64 bits: how thread arguments and future results are stored.

// @ts-ignore: decorator
@inline export function toBits<A>(a: A): u64 {
  if (isReference<A>()) return <u64>changetype<usize>(a);
  if (isFloat<A>()) {
    if (sizeof<A>() == 4) return <u64>reinterpret<u32>(<f32>a);
    return reinterpret<u64>(<f64>a);
  }
  return <u64>a;
}

// @ts-ignore: decorator
@inline export function fromBits<A>(bits: u64): A {
  if (isReference<A>()) return changetype<A>(<usize>bits);
  if (isFloat<A>()) {
    if (sizeof<A>() == 4) return <A>reinterpret<f32>(<u32>bits);
    return <A>reinterpret<f64>(bits);
  }
  return <A>bits;
}
