// vthreads host-call round trip through declarations: guest bench/guest/io-roundtrip.ts, export
// roundTripDeclared(n, promise): the same n calls as io-roundtrip.js, through `@external("host", "echo")` and
// `@external("host", "resolved")` declarations (no HostArgs, no HostValue: nothing allocated per call).
import { roundTrip } from "./io-roundtrip.js";

export const guest = "io-roundtrip";

export async function run(rt, { n, promise }) {
  return roundTrip(rt, "roundTripDeclared", n, promise);
}
