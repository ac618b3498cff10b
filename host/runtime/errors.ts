// Errors a call can end with.

/** A root call's virtual thread failed (trap, abort/throw, a failed child it joined, stack overflow). */
export class ThreadFailure extends Error {
  override name = "ThreadFailure";
  constructor(
    message: string,
    /** The export that was called. */
    readonly call: string,
    /** Id of the root virtual thread that failed. */
    readonly thread: number,
    /** The failure's own message, as the guest reported it. */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** The runtime was closed (or broke) before or while a call ran. */
export class RuntimeClosedError extends Error {
  override name = "RuntimeClosedError";
}

/**
 * A worker died under the runtime (its host function ran it out of memory or called `process.exit`, its host module
 * threw outside a call, the platform terminated it) or the scheduler itself failed in one. Every call in flight
 * rejects with it, and so does every later call: the runtime refuses to go on, because nothing shows that the dead
 * worker left the shared memory consistent (it may have died holding a spin lock, mid-switch, mid-collection, and its
 * threads' stacks died with it). `close()` still settles; start a new runtime.
 */
export class RuntimeBrokenError extends RuntimeClosedError {
  override name = "RuntimeBrokenError";
  constructor(
    message: string,
    /** The worker that died or failed. */
    readonly worker: number,
    /** What happened to it: "died: it exited with code 3", "died: Error [ERR_WORKER_OUT_OF_MEMORY]: ...", "failed: ...". */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** A root call was cancelled (its AbortSignal fired) before it finished. */
export class CancelledError extends Error {
  override name = "CancelledError";
  constructor(
    message: string,
    readonly call: string,
    readonly thread: number,
  ) {
    super(message);
  }
}

/**
 * Every live thread was blocked on the runtime's primitives with nothing left to wake them (like Go's "all
 * goroutines are asleep"). `dump` is the thread dump taken when the deadlock was found.
 */
export class DeadlockError extends ThreadFailure {
  override name = "DeadlockError";
  constructor(
    message: string,
    call: string,
    thread: number,
    reason: string,
    readonly dump: unknown,
  ) {
    super(message, call, thread, reason);
  }
}
