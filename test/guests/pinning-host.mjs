// Host functions for test/guests/pinning.ts: synchronous ones that call back into the guest (`sync`), and one
// async function (for the host-call-while-pinned case).

export const sync = {
  /** Calls back cb(0..n-1) and returns the sum of the results. */
  forEach(guest, n, cb) {
    let s = 0;
    for (let i = 0; i < n; i++) s += guest.call(cb, i);
    return s;
  },
  /** Calls back cb(arg) once. */
  callOnce(guest, cb, arg) {
    return guest.call(cb, arg);
  },
  /** Swallows a callback's failure and returns 7 anyway (the runtime must not let the thread run on). */
  swallow(guest, cb) {
    try {
      guest.call(cb, 0);
    } catch {
      // ignored on purpose
    }
    return 7;
  },
};

export function delayed(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}
