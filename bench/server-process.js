// The fan-out benchmark's HTTP server (examples/page-server.js) in its own process, so that the client under test
// (plain async/await, or vthreads' workers) never shares a thread or an event loop with it. One per benchmark
// process, started on first use and killed when the process exits.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD_FLAG = "--vthreads-page-server";
let started = null;

/** The server's base URL (http://127.0.0.1:port). Every page answers after `delayMs`. */
export function pageServerUrl({ delayMs }) {
  if (started === null) {
    started = new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, String(delayMs)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      process.on("exit", () => child.kill());
      child.once("message", (m) => resolve(m.url));
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the page server exited with code ${code}`)));
    });
  }
  return started;
}

if (process.argv.includes(CHILD_FLAG) && typeof process.send === "function") {
  const { startPageServer } = await import("../examples/page-server.js");
  const delayMs = Number(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]);
  const server = await startPageServer({ slowEvery: Infinity, delayMs });
  process.send({ url: server.url });
  process.on("disconnect", () => process.exit(0));
}
