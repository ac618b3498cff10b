// Host functions for test/guests/boundary.ts: the identity, for every type a host call carries (one name per
// declared type: a host function has one signature).

export function echo(x) {
  return x;
}
export const echo_i8 = echo;
export const echo_u8 = echo;
export const echo_i16 = echo;
export const echo_u16 = echo;
export const echo_i32 = echo;
export const echo_u32 = echo;
export const echo_i64 = echo;
export const echo_u64 = echo;
export const echo_f32 = echo;
export const echo_f64 = echo;
export const echo_bool = echo;
export const echo_string = echo;
export const echo_Uint8Array = echo;
