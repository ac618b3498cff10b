// vthreads, the guest library: `import { ThreadGroup, Mutex, sleep } from "vthreads"`.
//
// Virtual threads are written as plain blocking code. A blocking call suspends only the calling virtual thread;
// its worker runs other threads meanwhile, and the thread may resume on another worker.
//
// Cancellation: a cancelled thread ends at its next blocking call (sleep, lock, acquire, send, next/recv, get,
// join, wait (a select's too), yieldNow, checkpoint); its stack is discarded, what it holds is released, and its future completes
// as cancelled. AssemblyScript has no exceptions, so nothing after that call runs in the thread; what must happen
// anyway goes in a cleanup (`onExit`), which runs however the thread ends.

export { ThreadGroup } from "./groups/group";
export { Future } from "./groups/future";
export { Failure } from "./scheduler/outcome";
export { spawnBackground, withTimeout } from "./groups/background";
export { yieldNow, sleep, checkpoint, now, threadId, cancelled, currentWorker } from "./scheduler/api";
export { Mutex, MutexGuard } from "./sync/mutex";
export { Semaphore } from "./sync/semaphore";
export { Channel, UNBOUNDED } from "./sync/channel";
export { Select } from "./sync/select";
export { Timer, after, ticker } from "./sync/timer";
export { Event } from "./sync/event";
export { WaitGroup } from "./sync/waitgroup";
export { Once } from "./sync/once";
export { AtomicI32, AtomicI64, AtomicBool } from "./sync/atomic";
export { ContextVar } from "./context/var";
export { onExit, Cleanup } from "./scheduler/cleanup";
export { Closure, callClosure } from "./closure";
export { callHost, tryCallHost, HostArgs, HostValue } from "./io/call";
export { callbackIndex } from "./io/sync";
export {
  fetch, FetchOptions, Response, print, printError, currentTime, random, randomBytes,
  readFile, readTextFile, writeFile, writeTextFile,
} from "./io/builtins";
