// Promise-based synchronisation primitives: what a JS user writes (or takes from a small npm package) to get a mutex,
// a semaphore, a bounded channel, an event and a wait group for async functions. The baselines of the sync
// benchmarks. Written the usual way, without shortcuts a real library could not take:
// - a waiter is a promise resolver in a FIFO queue, and releasing hands the lock/permit/message straight to the
//   oldest waiter (no barging, as the vthreads primitives);
// - when no waiting is needed, the call returns an already resolved promise (one shared one), so the caller's
//   `await` costs one microtask hop and nothing is allocated. An async lock must still be awaited: a caller cannot
//   know whether it will have to wait.

/** FIFO queue on a growable ring buffer (Array.prototype.shift is O(n) on long arrays). */
export class Fifo {
  constructor() {
    this.items = new Array(16);
    this.head = 0;
    this.length = 0;
  }

  push(x) {
    if (this.length === this.items.length) {
      const old = this.items;
      const items = new Array(old.length * 2);
      for (let i = 0; i < this.length; i++) items[i] = old[(this.head + i) % old.length];
      this.items = items;
      this.head = 0;
    }
    this.items[(this.head + this.length) % this.items.length] = x;
    this.length++;
  }

  shift() {
    if (this.length === 0) return undefined;
    const x = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return x;
  }
}

const RESOLVED = Promise.resolve();

export class PromiseMutex {
  constructor() {
    this.locked = false;
    this.waiters = new Fifo();
  }

  /** Resolves once the caller holds the lock. */
  lock() {
    if (!this.locked) {
      this.locked = true;
      return RESOLVED;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  unlock() {
    if (!this.locked) throw new Error("PromiseMutex.unlock: not locked");
    const next = this.waiters.shift();
    if (next === undefined) this.locked = false;
    else next(); // handed over: stays locked
  }
}

export class PromiseSemaphore {
  constructor(permits) {
    this.permits = permits;
    this.waiters = new Fifo();
  }

  acquire() {
    if (this.permits > 0 && this.waiters.length === 0) {
      this.permits--;
      return RESOLVED;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release() {
    const next = this.waiters.shift();
    if (next === undefined) this.permits++;
    else next(); // the permit goes straight to the oldest waiter
  }
}

/**
 * A bounded channel for async functions: `await send(v)` waits while full, `await recv()` waits while empty, and
 * `for await (const v of ch)` receives until `close()` and the buffer is drained. Capacity >= 1.
 */
export class AsyncChannel {
  constructor(capacity) {
    if (!(capacity >= 1)) throw new Error("AsyncChannel: capacity must be >= 1");
    this.capacity = capacity;
    this.buffer = new Fifo();
    this.receivers = new Fifo(); // { resolve } of receivers waiting for a message
    this.senders = new Fifo(); // { value, resolve } of senders waiting for room
    this.closed = false;
  }

  send(value) {
    if (this.closed) return Promise.reject(new Error("AsyncChannel.send: closed"));
    const r = this.receivers.shift();
    if (r !== undefined) {
      r({ value, done: false }); // a receiver waits, so the buffer is empty: hand it over
      return RESOLVED;
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(value);
      return RESOLVED;
    }
    return new Promise((resolve, reject) => this.senders.push({ value, resolve, reject }));
  }

  /** Resolves to { value, done }: the async-iterator protocol. */
  next() {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift();
      const s = this.senders.shift();
      if (s !== undefined) {
        this.buffer.push(s.value); // a waiting sender's message takes the free place
        s.resolve();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.receivers.push(resolve));
  }

  async recv() {
    const r = await this.next();
    if (r.done) throw new Error("AsyncChannel.recv: closed and empty");
    return r.value;
  }

  /** No more sends: waiting receivers get done, waiting senders fail (as a send after close does). */
  close() {
    this.closed = true;
    for (let r; (r = this.receivers.shift()) !== undefined; ) r({ value: undefined, done: true });
    for (let s; (s = this.senders.shift()) !== undefined; ) s.reject(new Error("AsyncChannel.send: closed"));
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** A flag async functions can wait for; `set()` releases every waiter and later ones until `clear()`. */
export class PromiseEvent {
  constructor() {
    this.clear();
  }

  clear() {
    this.isSet = false;
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }

  set() {
    this.isSet = true;
    this.resolve();
  }

  wait() {
    return this.isSet ? RESOLVED : this.promise;
  }
}

/** Go's sync.WaitGroup for async functions. */
export class PromiseWaitGroup {
  constructor() {
    this.count = 0;
    this.waiters = [];
  }

  add(n = 1) {
    this.count += n;
    if (this.count < 0) throw new Error("PromiseWaitGroup: negative count");
    if (this.count === 0) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    }
  }

  done() {
    this.add(-1);
  }

  wait() {
    if (this.count === 0) return RESOLVED;
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
