// Synchronous host functions that call back into the guest: the guest's side (the host's: host/workers/sync-host.ts).
//
//   @external("host_sync", "forEach") declare function forEach(n: i32, callback: i32): i32;
//   function step(i: i32): i32 { ... may block ... }
//   forEach(10, callbackIndex(step));
//
// A `host_sync` import is an ordinary Wasm import: the JS function runs synchronously, on the calling thread's
// stack, with numbers only (i32, i64 as bigint, f32/f64). It calls back with `guest.call(index, arg)`, which runs
// the guest function of type (i32) => i32 at that table index. While a callback runs, the thread has a JS frame on
// its stack and cannot be unwound: if it blocks, it is pinned to its worker (driver/pin.ts).

/** The table index of a guest function, for a synchronous host function to call back: `guest.call(index, arg)`. */
export function callbackIndex<F>(fn: F): i32 {
  if (!isFunction<F>()) ERROR("callbackIndex expects a function");
  return load<i32>(changetype<usize>(fn)); // a function object's first field is its table index
}
