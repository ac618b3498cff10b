// Go peers (bench/go/pingpong.go): Go's own channel and select ping-pong, compiled to WebAssembly with Go's js/wasm
// target and run in Node with Go's wasm_exec.js (through bench/go/run-wasm.cjs), one child process per run. The program measures the ping-pong
// itself (time.Now around it) and prints ns per one-way hand-off, so Go's start-up is not counted. Needs `go` on
// the PATH (Debian: golang-go); without it the variants are SKIPPED.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SkipError } from "../common.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "..", "build", "bench", "go");
let built = null;

function build() {
  if (built) return built;
  let goroot;
  try {
    goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  } catch {
    throw new SkipError("no `go` on the PATH (install golang-go)");
  }
  mkdirSync(out, { recursive: true });
  const wasm = path.join(out, "pingpong.wasm");
  execFileSync("go", ["build", "-o", wasm, path.join(here, "..", "go", "pingpong.go")], {
    env: { ...process.env, GOOS: "js", GOARCH: "wasm", GOCACHE: process.env.GOCACHE ?? path.join(out, "cache") },
    stdio: "inherit",
  });
  // wasm_exec.js moved from misc/wasm to lib/wasm in Go 1.24.
  const exec = ["misc/wasm/wasm_exec.js", "lib/wasm/wasm_exec.js"].map((p) => path.join(goroot, p)).find(existsSync);
  if (!exec) throw new SkipError(`no wasm_exec.js under ${goroot}`);
  built = { wasm, exec };
  return built;
}

function run(mode, n) {
  const { wasm, exec } = build();
  const runner = path.join(here, "..", "go", "run-wasm.cjs");
  const outText = execFileSync(process.execPath, [runner, exec, wasm, mode, String(n)], { encoding: "utf8" }).trim();
  const v = Number(outText);
  if (!Number.isFinite(v)) throw new Error(`go ${mode} ping-pong: ${outText}`);
  return v;
}

export const goSelect = ({ n }) => run("select", n);
export const goChannel = ({ n }) => run("channel", n);
