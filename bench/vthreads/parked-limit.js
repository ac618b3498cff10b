// parked-limit: how many suspended threads one backend holds. A ladder of child processes (parked-limit-step.js, the
// same node binary as this process, so the JSPI variant's steps run on Node 25), each parking n threads at once on
// one worker; n follows params.steps until a step fails, then `bisect` halvings between the last n that worked and
// the first that failed (rounded to 1,000). A step that crashes its process (JSPI: V8 aborts with "FATAL ERROR:
// StackMemory::StackSegment ... Allocation failed" once it cannot map another stack; Linux allows 65,530 mappings
// per process) or times out is the limit: it is reported in the notes, not as a failure of the variant.
// Value: the largest n that worked (threads, higher is better). Notes (info): `failedAt` and `failure` (the first n
// that failed, and how; absent when the whole ladder worked), `heapB/thread` and `rssB/thread` at params.bytesAt
// threads (rt.memoryStats().heapBytes difference: the shared Wasm heap; process RSS difference: everything, which
// for JSPI includes its stacks outside the Wasm memory), and the same at the largest n (`...@max`).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export const guest = "parked-bytes";
export const standalone = true; // runner.js: run(null, params, job), no runtime of its own

const stepPath = fileURLToPath(new URL("./parked-limit-step.js", import.meta.url));
const STEP_TIMEOUT_MS = 300_000;

function runStep(wasmPath, backend, n) {
  return new Promise((resolve) => {
    const child = fork(stepPath, ["--parked-limit-step"], { execArgv: [], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr = (stderr + d).slice(-20_000);
    });
    let reply = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, STEP_TIMEOUT_MS);
    child.on("message", (m) => (reply = m));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (reply !== null) return resolve(reply);
      const fatal = stderr.split("\n").find((l) => /FATAL|Error|error:/.test(l))?.trim();
      const how = timedOut ? `timed out after ${STEP_TIMEOUT_MS / 1000} s` : `process died (${signal ? `signal ${signal}` : `exit code ${code}`})`;
      resolve({ ok: false, crashed: true, error: fatal ? `${how}: ${fatal}` : how });
    });
    child.send({ wasmPath, backend, n });
  });
}

export async function run(_rt, { steps, bisect = 0, bytesAt }, job) {
  const backend = job.backend ?? "asyncify";
  const ok = new Map(); // n -> step result
  let failed = null; // { n, error }
  const tryN = async (n) => {
    const r = await runStep(job.wasmPath, backend, n);
    if (r.ok) ok.set(n, r);
    else if (failed === null || n < failed.n) failed = { n, error: r.error };
    return r.ok;
  };
  for (const n of steps) {
    if (!(await tryN(n))) break;
  }
  if (ok.size === 0) throw new Error(`parked-limit ${backend}: even ${steps[0]} parked threads failed: ${failed?.error}`);
  for (let i = 0; i < bisect && failed !== null; i++) {
    const lo = Math.max(...ok.keys());
    const mid = Math.round((lo + failed.n) / 2 / 1000) * 1000;
    if (mid <= lo || mid >= failed.n) break;
    await tryN(mid);
  }
  const max = Math.max(...ok.keys());
  const perThread = (r, key) => Math.round(r[key] / r.n);
  const info = { max };
  const at = ok.get(bytesAt);
  if (at) Object.assign(info, { [`heapB/thread@${bytesAt}`]: perThread(at, "heapBytes"), [`rssB/thread@${bytesAt}`]: perThread(at, "rssBytes") });
  const top = ok.get(max);
  Object.assign(info, { "heapB/thread@max": perThread(top, "heapBytes"), "rssB/thread@max": perThread(top, "rssBytes"), "park ms@max": Math.round(top.ms) });
  if (failed !== null) Object.assign(info, { failedAt: failed.n, failure: failed.error });
  return { value: max, info };
}
