// vthreads, the guest library: `import { ThreadGroup, sleep } from "vthreads"`.
//
// Virtual threads are written as plain blocking code. A blocking call suspends only the calling virtual thread;
// its worker runs other threads meanwhile, and the thread may resume on another worker.

export { ThreadGroup } from "./groups/group";
export { Future } from "./groups/future";
export { yieldNow, sleep, checkpoint, now, threadId } from "./scheduler/api";
