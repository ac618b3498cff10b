// Host functions for test/guests/io.ts (Runtime option hostModule). Plain ESM: every worker imports it.

export function add(a, b) {
  return a + b;
}

export function resolved(i) {
  return Promise.resolve(i);
}

export function delayedEcho(text, ms) {
  return new Promise((resolve) => setTimeout(() => resolve(text), ms));
}

export function mixed(i, f, big, flag, text, bytes) {
  return [i * 2, f * 2, big * 2n, !flag === false, text.toUpperCase(), Uint8Array.from(bytes).reverse(), undefined];
}

export async function reject(message) {
  await new Promise((r) => setTimeout(r, 1));
  throw new Error(message);
}

/** Never settles; when the calling thread is cancelled its signal fires, and this reports it over HTTP. */
export function never(reportUrl, signal) {
  signal.addEventListener("abort", () => {
    fetch(reportUrl).catch(() => {});
  });
  return new Promise(() => {});
}

/** Like delayedEcho, but stops its timer and rejects when the calling thread is cancelled. */
export function abortableEcho(text, ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(text), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
