// Skynet guest: every node is a virtual thread; a node of `size` leaves spawns `div` children of
// size/div leaves; a leaf returns its number. The root call is itself a virtual thread, so
// skynet(0, 1000000, 10) runs 1,111,111 threads and returns 499999500000.
//
// One i64 argument per spawned function: num << 32 | size << 8 | div  (size < 2^24, div < 256).
import { ThreadGroup, Future } from "vthreads";

function pack(num: i64, size: i64, div: i64): i64 {
  return (num << 32) | (size << 8) | div;
}

function node(arg: i64): i64 {
  const num = arg >>> 32;
  const size = (arg >>> 8) & 0xffffff;
  const div = <i32>(arg & 0xff);
  if (size <= 1) return num;
  const sub = size / <i64>div;
  const g = new ThreadGroup();
  const children = new StaticArray<Future<i64>>(div);
  for (let i = 0; i < div; i++) {
    children[i] = g.spawn<i64, i64>(node, pack(num + <i64>i * sub, sub, <i64>div));
  }
  g.join();
  let sum: i64 = 0;
  for (let i = 0; i < div; i++) sum += children[i].get();
  return sum;
}

export function skynet(num: i32, size: i32, div: i32): i64 {
  if (num < 0 || size < 1 || size >= 1 << 24 || div < 2 || div > 255) abort("skynet: bad arguments");
  return node(pack(<i64>num, <i64>size, <i64>div));
}
