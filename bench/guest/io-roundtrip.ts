// Host-call round trip guest: n calls in a row of a host function (bench/vthreads/io-host.js) that returns its
// argument, either as a plain value (`echo`: no parking) or as an already-resolved promise (`resolved`: the thread
// parks until the promise's reaction runs), called by name (`callHost`) or through a declaration. Returns the sum.
import { callHost, HostArgs } from "vthreads";

export function roundTrip(n: i32, promise: bool): i64 {
  const name = promise ? "resolved" : "echo";
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += callHost(name, HostArgs.of().i32(i)).i32();
  return sum;
}

// The same calls through declarations: the build turns each into a blocking host call that allocates nothing.
// @ts-ignore: decorator
@external("host", "echo") declare function echo(i: i32): i32;
// @ts-ignore: decorator
@external("host", "resolved") declare function resolved(i: i32): i32;

export function roundTripDeclared(n: i32, promise: bool): i64 {
  let sum: i64 = 0;
  if (promise) for (let i = 0; i < n; i++) sum += resolved(i);
  else for (let i = 0; i < n; i++) sum += echo(i);
  return sum;
}
