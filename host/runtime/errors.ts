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
