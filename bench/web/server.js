#!/usr/bin/env node
// Dev server for the benchmark page (`npm run bench:web`): builds the guest modules the page needs, then serves the
// repository over HTTP with the two headers that make a page cross-origin isolated (shared memory needs them).
//
//   node bench/web/server.js [--port N] [--host H]     (port 0: any free port; default 8080)
//
// startServer() is also used by the browser tests, which turn the headers off to check the runtime's error.
import { createServer } from "node:http";
import { readFile, stat, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { webGuests } from "./suite.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every guest a benchmark on the page needs (from the registry, so a new benchmark is served without a change here). */
export const WEB_GUESTS = webGuests();

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Newest modification time (ms) of the files under `dir` (recursively). */
async function newestUnder(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestUnder(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

/**
 * Builds each guest (<name>.wasm and <name>.jspi.wasm) unless both are newer than everything it is made of (the
 * guest, the runtime's wasm/ sources, the host sources), so a restart of the server does not wait for asc again.
 * Returns the .wasm URL paths by guest (the JSPI build is next to it).
 */
export async function buildWebGuests(names = WEB_GUESTS, { log = console.log } = {}) {
  const hostEntry = path.join(REPO_ROOT, "dist", "host", "toolchain.js");
  if (!(await stat(hostEntry).catch(() => null))) throw new Error(`${hostEntry} is missing: run \`npm run build\` first`);
  const inputs = Math.max(
    await newestUnder(path.join(REPO_ROOT, "wasm")),
    await newestUnder(path.join(REPO_ROOT, "host")), // the sources: `npm run build` rewrites dist/ every time
    (await stat(path.join(REPO_ROOT, "asconfig.json"))).mtimeMs,
  );
  const { build } = await import(pathToFileURL(hostEntry).href);
  const urls = {};
  for (const name of names) {
    const entry = path.join(REPO_ROOT, "bench", "guest", `${name}.ts`);
    const outDir = path.join(REPO_ROOT, "build", "bench", name);
    const wasm = path.join(outDir, `${name}.wasm`);
    // Both builds (Asyncify and JSPI): a directory from before the JSPI build has only the first.
    const mtime = async (file) => (await stat(file).catch(() => null))?.mtimeMs ?? 0;
    const built = Math.min(await mtime(wasm), await mtime(path.join(outDir, `${name}.jspi.wasm`)));
    if (built <= Math.max(inputs, (await stat(entry)).mtimeMs)) {
      const t0 = performance.now();
      await build({ entry, outDir });
      log(`built ${path.relative(REPO_ROOT, wasm)} (${Math.round(performance.now() - t0)} ms)`);
    }
    urls[name] = `/build/bench/${name}/${name}.wasm`;
  }
  return urls;
}

/**
 * Serves the repository's files (or `root`'s). `isolation` says which of the headers to send (both by default); the tests turn
 * one off to see the runtime name it. Only files inside the repository are served, never .git.
 */
export function startServer({ port = 8080, host = "127.0.0.1", root = REPO_ROOT, isolation = { coop: true, coep: true } } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers = { "Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "same-origin" };
    if (isolation.coop) headers["Cross-Origin-Opener-Policy"] = "same-origin";
    if (isolation.coep) headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    if (root === REPO_ROOT && (url.pathname === "/" || url.pathname === "/bench/web")) {
      res.writeHead(302, { ...headers, Location: `/bench/web/${url.search}` });
      return res.end();
    }
    let file;
    try {
      file = path.join(root, decodeURIComponent(url.pathname));
    } catch {
      res.writeHead(400, headers);
      return res.end("bad path");
    }
    const inside = path.relative(root, file);
    if (inside.startsWith("..") || path.isAbsolute(inside) || inside.split(path.sep).includes(".git")) {
      res.writeHead(403, headers);
      return res.end("forbidden");
    }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, "Content-Type": "text/plain; charset=utf-8" });
      res.end(`not found: ${url.pathname}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${actual}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

async function main(argv) {
  const arg = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  const port = Number(arg("--port", "8080"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`server.js: --port must be a port number, got ${arg("--port")}`);
    process.exit(2);
  }
  await buildWebGuests();
  const { url } = await startServer({ port, host: arg("--host", "127.0.0.1") });
  console.log(`vthreads benchmark page (cross-origin isolated): ${url}/bench/web/`);
  console.log("options: ?suite=full (full sizes; default quick), ?autorun=0, ?only=skynet,pingpong");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
