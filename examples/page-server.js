// A local HTTP server for download_all (npm start), the I/O tests and the fan-out benchmark: node:http on
// 127.0.0.1, pages of a few hundred bytes, some slow, one that can be made to fail, and a gauge of how many requests
// are in flight at once (and how many were aborted by the client before their answer was complete).
import http from "node:http";

/**
 * Starts the server on a free port. `slowEvery`/`slowMs`: every slowEvery-th page waits slowMs before answering;
 * `delayMs`: every other page waits this long (0: answers at once).
 */
export async function startPageServer({ slowEvery = 10, slowMs = 20, delayMs = 1 } = {}) {
  const state = {
    /** Requests being answered now; the most at once; answered completely; aborted by the client. */
    active: 0, maxActive: 0, served: 0, aborted: 0,
    /** The page number that answers 500 (-1: none); whether pages never answer (to test aborts); /report hits. */
    failAt: -1, hang: false, reports: 0,
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/report") {
      state.reports++;
      res.writeHead(204).end();
      return;
    }
    if (url === "/echo") {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end(`${req.method} ${req.headers["x-test"] ?? "-"} ${Buffer.concat(chunks).toString("utf8")}`);
      });
      return;
    }
    const page = /^\/page\/(\d+)$/.exec(url);
    if (!page) {
      res.writeHead(404).end("not found");
      return;
    }
    const n = Number(page[1]);
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    res.on("close", () => {
      state.active--;
      if (res.writableFinished) state.served++;
      else state.aborted++;
    });
    if (state.hang) return; // answers only by being aborted
    const answer = () => {
      if (n === state.failAt) {
        res.writeHead(500, { "content-type": "text/plain" }).end(`page ${n} failed on request`);
        return;
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<html><body><h1>page ${n}</h1><p>${"lorem ipsum ".repeat(20)}</p></body></html>`);
    };
    const wait = n % slowEvery === 0 ? slowMs : delayMs;
    if (wait > 0) setTimeout(answer, wait);
    else answer();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Resets the gauge and the counters (not failAt or hang). */
    reset() {
      state.maxActive = state.active;
      state.served = 0;
      state.aborted = 0;
      state.reports = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
