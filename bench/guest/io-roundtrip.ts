// Host-call round trip guest: n calls in a row of a host function (bench/vthreads/io-host.js) that returns its
// argument, either as a plain value (`echo`: no parking) or as an already-resolved promise (`resolved`: the thread
// parks until the promise's reaction runs). Returns the sum of the results.
import { callHost, HostArgs } from "vthreads";

export function roundTrip(n: i32, promise: bool): i64 {
  const name = promise ? "resolved" : "echo";
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += callHost(name, HostArgs.of().i32(i)).i32();
  return sum;
}
