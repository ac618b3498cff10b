// Identity functions for every type that crosses the host boundary (test/runtime/boundary-fuzz.test.ts, generated
// values with fast-check): exports that return their argument after a switch, declared host functions that return
// theirs (test/guests/boundary-host.mjs), and callHost with HostArgs / HostValue. A value must come back exactly.
import { yieldNow, callHost, HostArgs } from "vthreads";

export function echo_i8(x: i8): i8 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_u8(x: u8): u8 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_i16(x: i16): i16 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_u16(x: u16): u16 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_i32(x: i32): i32 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_u32(x: u32): u32 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_i64(x: i64): i64 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_u64(x: u64): u64 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_f32(x: f32): f32 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_f64(x: f64): f64 {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_bool(x: bool): bool {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_string(x: string): string {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Int8Array(x: Int8Array): Int8Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Uint8Array(x: Uint8Array): Uint8Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Uint8ClampedArray(x: Uint8ClampedArray): Uint8ClampedArray {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Int16Array(x: Int16Array): Int16Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Uint16Array(x: Uint16Array): Uint16Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Int32Array(x: Int32Array): Int32Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Uint32Array(x: Uint32Array): Uint32Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Int64Array(x: Int64Array): Int64Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Uint64Array(x: Uint64Array): Uint64Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Float32Array(x: Float32Array): Float32Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Float64Array(x: Float64Array): Float64Array {
  yieldNow(); // across a switch (and, on several workers, maybe another worker)
  return x;
}

export function echo_Array_i8(x: Array<i8>): Array<i8> {
  yieldNow();
  return x;
}

export function echo_Array_u8(x: Array<u8>): Array<u8> {
  yieldNow();
  return x;
}

export function echo_Array_i16(x: Array<i16>): Array<i16> {
  yieldNow();
  return x;
}

export function echo_Array_u16(x: Array<u16>): Array<u16> {
  yieldNow();
  return x;
}

export function echo_Array_i32(x: Array<i32>): Array<i32> {
  yieldNow();
  return x;
}

export function echo_Array_u32(x: Array<u32>): Array<u32> {
  yieldNow();
  return x;
}

export function echo_Array_i64(x: Array<i64>): Array<i64> {
  yieldNow();
  return x;
}

export function echo_Array_u64(x: Array<u64>): Array<u64> {
  yieldNow();
  return x;
}

export function echo_Array_f32(x: Array<f32>): Array<f32> {
  yieldNow();
  return x;
}

export function echo_Array_f64(x: Array<f64>): Array<f64> {
  yieldNow();
  return x;
}

export function echo_Array_bool(x: Array<bool>): Array<bool> {
  yieldNow();
  return x;
}

export function echo_Array_string(x: Array<string>): Array<string> {
  yieldNow();
  return x;
}

// @ts-ignore: decorator
@external("host", "echo_i8") declare function host_i8(x: i8): i8;

export function host_echo_i8(x: i8): i8 {
  return host_i8(x);
}

// @ts-ignore: decorator
@external("host", "echo_u8") declare function host_u8(x: u8): u8;

export function host_echo_u8(x: u8): u8 {
  return host_u8(x);
}

// @ts-ignore: decorator
@external("host", "echo_i16") declare function host_i16(x: i16): i16;

export function host_echo_i16(x: i16): i16 {
  return host_i16(x);
}

// @ts-ignore: decorator
@external("host", "echo_u16") declare function host_u16(x: u16): u16;

export function host_echo_u16(x: u16): u16 {
  return host_u16(x);
}

// @ts-ignore: decorator
@external("host", "echo_i32") declare function host_i32(x: i32): i32;

export function host_echo_i32(x: i32): i32 {
  return host_i32(x);
}

// @ts-ignore: decorator
@external("host", "echo_u32") declare function host_u32(x: u32): u32;

export function host_echo_u32(x: u32): u32 {
  return host_u32(x);
}

// @ts-ignore: decorator
@external("host", "echo_i64") declare function host_i64(x: i64): i64;

export function host_echo_i64(x: i64): i64 {
  return host_i64(x);
}

// @ts-ignore: decorator
@external("host", "echo_u64") declare function host_u64(x: u64): u64;

export function host_echo_u64(x: u64): u64 {
  return host_u64(x);
}

// @ts-ignore: decorator
@external("host", "echo_f32") declare function host_f32(x: f32): f32;

export function host_echo_f32(x: f32): f32 {
  return host_f32(x);
}

// @ts-ignore: decorator
@external("host", "echo_f64") declare function host_f64(x: f64): f64;

export function host_echo_f64(x: f64): f64 {
  return host_f64(x);
}

// @ts-ignore: decorator
@external("host", "echo_bool") declare function host_bool(x: bool): bool;

export function host_echo_bool(x: bool): bool {
  return host_bool(x);
}

// @ts-ignore: decorator
@external("host", "echo_string") declare function host_string(x: string): string;

export function host_echo_string(x: string): string {
  return host_string(x);
}

// @ts-ignore: decorator
@external("host", "echo_Uint8Array") declare function host_Uint8Array(x: Uint8Array): Uint8Array;

export function host_echo_Uint8Array(x: Uint8Array): Uint8Array {
  return host_Uint8Array(x);
}

/** Through callHost: the HostValue accessors of each kind. */
export function call_str(x: string): string {
  return callHost("echo", HostArgs.of().str(x)).str();
}
export function call_i32(x: i32): i32 {
  return callHost("echo", HostArgs.of().i32(x)).i32();
}
export function call_i64(x: i64): i64 {
  return callHost("echo", HostArgs.of().i64(x)).i64();
}
export function call_f64(x: f64): f64 {
  return callHost("echo", HostArgs.of().f64(x)).f64();
}
export function call_bool(x: bool): bool {
  return callHost("echo", HostArgs.of().bool(x)).bool();
}
export function call_bytes(x: Uint8Array): Uint8Array {
  return callHost("echo", HostArgs.of().bytes(x)).bytes();
}

/** The string's UTF-16 code units as the guest sees them (so a loss both ways would still show). */
export function codeUnits(s: string): Array<i32> {
  const out = new Array<i32>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
