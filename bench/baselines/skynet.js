// Skynet baseline: a tree of async functions, `div` children per node, leaves return their number,
// parents sum their children through Promise.all. 1,000,000 leaves and 10 children per node give
// 1,111,111 async calls and the sum 499999500000. Result metric: milliseconds. Verified.
import { expectValue, skynetExpected, now } from "../common.js";

async function skynet(num, size, div) {
  if (size === 1) return num;
  const sub = size / div;
  const children = new Array(div);
  for (let i = 0; i < div; i++) children[i] = skynet(num + i * sub, sub, div);
  const results = await Promise.all(children);
  let sum = 0;
  for (let i = 0; i < div; i++) sum += results[i];
  return sum;
}

export async function asyncAwait({ size, div }) {
  const t0 = now();
  const sum = await skynet(0, size, div);
  const t1 = now();
  expectValue("skynet async-await", sum, skynetExpected(size, div));
  return t1 - t0;
}
