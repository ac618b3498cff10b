// Host functions for test/guests/program.ts: which worker runs the calling thread (host functions run there).
import { threadId } from "node:worker_threads";

export function workerId() {
  return threadId;
}
