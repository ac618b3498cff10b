// Host calls and built-in I/O (test/runtime/io.test.ts). The host functions are in io-host.mjs; the HTTP server
// is the test's own (node:http on 127.0.0.1).
import {
  ThreadGroup, Future, Mutex, onExit, callHost, tryCallHost, HostArgs, fetch, FetchOptions, readFile, readTextFile, writeFile, writeTextFile,
  random, currentTime, randomBytes, print, sleep,
} from "vthreads";

/** A sync host function: completes without parking. */
export function add(a: i32, b: i32): i32 {
  return callHost("add", HostArgs.of().i32(a).i32(b)).i32();
}

/** `n` sync host calls in a row; returns their sum (the round-trip benchmark). */
export function addMany(n: i32): i32 {
  let s = 0;
  for (let i = 0; i < n; i++) s += callHost("add", HostArgs.of().i32(i).i32(1)).i32();
  return s;
}

/** `n` async host calls in a row (each parks its thread until a resolved promise's reaction runs). */
export function echoMany(n: i32): i32 {
  let s = 0;
  for (let i = 0; i < n; i++) s += callHost("resolved", HostArgs.of().i32(i)).i32();
  return s;
}

function echoOne(i: i32): i32 {
  const text = callHost("delayedEcho", HostArgs.of().str("v" + i.toString()).i32(i % 7)).str();
  return text == "v" + i.toString() ? i : -1000000;
}

/** `n` threads each wait in a host call at once; returns the sum of their (checked) results. */
export function concurrentEchoes(n: i32): i64 {
  const g = new ThreadGroup(0, "echoes");
  const fs = new Array<Future<i32>>(0);
  for (let i = 0; i < n; i++) fs.push(g.spawn<i32, i32>(echoOne, i));
  g.join();
  let s: i64 = 0;
  for (let i = 0; i < n; i++) s += fs[i].get();
  return s;
}

/** Every kind of value both ways: returns a description the test checks. */
export function values(): string {
  const bytes = new Uint8Array(3);
  bytes[0] = 1; bytes[1] = 2; bytes[2] = 250;
  const r = callHost("mixed", HostArgs.of().i32(-5).f64(2.5).i64(1 << 40).bool(true).str("héllo").bytes(bytes));
  const back = r.at(5).bytes();
  return r.length.toString() + "|" + r.at(0).i32().toString() + "|" + r.at(1).f64().toString() + "|" +
    r.at(2).i64().toString() + "|" + (r.at(3).bool() ? "true" : "false") + "|" + r.at(4).str() + "|" +
    back.length.toString() + ":" + back[0].toString() + "," + back[2].toString() + "|" + (r.at(6).isVoid ? "void" : "?");
}

/** Calls a host function that rejects with `message`. */
export function rejecting(message: string): i32 {
  callHost("reject", HostArgs.of().str(message));
  return 1; // never reached
}

/** Calls a host function by a name that does not exist. */
export function unknownFunction(): i32 {
  callHost("noSuchFunction");
  return 1;
}

/** A host function returning a value of the wrong type for the getter used. */
export function wrongType(): i32 {
  return callHost("add", HostArgs.of().i32(1).i32(2)).str().length;
}

/** Waits in a host call that never settles (until cancelled); the host function reports its abort to `reportUrl`. */
export function neverSettles(reportUrl: string): i32 {
  callHost("never", HostArgs.of().str(reportUrl));
  return 1;
}

/** Waits `ms` in a host call (for the dump). */
export function slowHost(ms: i32): string {
  return callHost("delayedEcho", HostArgs.of().str("done").i32(ms)).str();
}

// --- HTTP

/** GET `url`: "status|text". */
export function get(url: string): string {
  const r = fetch(url);
  return r.status.toString() + "|" + r.text();
}

/** POST `body` to `url` with a header: "status|content-type|text". */
export function post(url: string, body: string): string {
  const first = new FetchOptions();
  first.method = "POST";
  const r = fetch(url, first.header("X-Test", "yes").text(body));
  const o = new FetchOptions();
  o.method = "PUT";
  const r2 = fetch(url, o.header("X-Test", "put").text(body + "!"));
  const ct = r.header("Content-Type");
  return r.status.toString() + "|" + (ct != null ? ct : "none") + "|" + r.text() + "|" + r2.text();
}

class Store {
  pages: Map<string, i32> = new Map<string, i32>();
}

class Job {
  constructor(public store: Mutex<Store>, public url: string) {}
}

function download(job: Job): void {
  const r = fetch(job.url);
  if (!r.ok) abort("GET " + job.url + " answered " + r.status.toString());
  const page = r.text();
  const s = job.store.lock();
  s.value.pages.set(job.url, page.length);
  s.unlock();
}

/** download_all: `n` URLs `base`/page/i through ThreadGroup(cap) into a Mutex-guarded store; "pages,bytes". */
export function downloadAll(base: string, n: i32, cap: i32): string {
  const store = new Mutex<Store>(new Store(), "results");
  const g = new ThreadGroup(cap, "downloads");
  for (let i = 0; i < n; i++) g.spawn<Job, void>(download, new Job(store, base + "/page/" + i.toString()));
  g.join();
  const s = store.lock();
  const keys = s.value.pages.keys();
  let bytes = 0;
  for (let i = 0; i < keys.length; i++) bytes += s.value.pages.get(keys[i]);
  const out = keys.length.toString() + "," + bytes.toString();
  s.unlock();
  return out;
}

// --- files, clock, random, console

export function files(dir: string): string {
  writeTextFile(dir + "/a.txt", "hello, file");
  const bytes = new Uint8Array(4);
  bytes[0] = 0; bytes[1] = 255; bytes[2] = 7; bytes[3] = 9;
  writeFile(dir + "/b.bin", bytes);
  const back = readFile(dir + "/b.bin");
  return readTextFile(dir + "/a.txt") + "|" + back.length.toString() + ":" + back[1].toString() + "," + back[3].toString();
}

export function missingFile(path: string): string {
  return readTextFile(path);
}

export function misc(): string {
  const r = random();
  const t = currentTime();
  const b = randomBytes(16);
  print("hello from a virtual thread");
  return (r >= 0 && r < 1 ? "r" : "R") + (t > 1.7e12 ? "t" : "T") + b.length.toString();
}

// --- cancellation storm: host calls racing their threads' cancellation

const STORM_FINISHED = memory.data(4);

function stormOne(i: i32): void {
  for (let k = 0; k < 3; k++) {
    const text = "s" + i.toString();
    if (callHost("abortableEcho", HostArgs.of().str(text).i32((i + k) % 4)).str() != text) abort("wrong echo");
  }
  atomic.add<i32>(STORM_FINISHED, 1);
}

/** `rounds` groups of `n` threads making host calls, each group cancelled after 0-3 ms; returns how many finished. */
export function cancelStorm(rounds: i32, n: i32): i32 {
  atomic.store<i32>(STORM_FINISHED, 0);
  for (let r = 0; r < rounds; r++) {
    const g = new ThreadGroup(0, "storm");
    for (let i = 0; i < n; i++) g.spawn<i32, void>(stormOne, i);
    g.cancelAfter(<f64>(r % 4));
    g.join();
  }
  return atomic.load<i32>(STORM_FINISHED);
}

const NEVER_CALLING = memory.data(4);

function callNever(url: string): void {
  atomic.store<i32>(NEVER_CALLING, 1);
  callHost("never", HostArgs.of().str(url));
}

/**
 * A child makes a host call that never settles; this thread (usually on another worker) spins `spins` rounds after
 * the child is about to call, then cancels it: the cancellation lands at a different moment of the owning worker's
 * way to sleep each time. Returns once the child has ended; its JS side is aborted by its own worker, later.
 */
export function cancelNeverAfter(url: string, spins: i32): i32 {
  atomic.store<i32>(NEVER_CALLING, 0);
  const g = new ThreadGroup(0, "never");
  g.spawn<string, void>(callNever, url);
  while (atomic.load<i32>(NEVER_CALLING) == 0) sleep(0); // on one worker the child runs only if we let it
  let x = 0;
  for (let i = 0; i < spins; i++) x = atomic.add<i32>(NEVER_CALLING, 1);
  g.cancel();
  g.join();
  return x;
}

// --- typed declarations: the build turns each into a blocking host call

// @ts-ignore: decorator
@external("host", "add") declare function hostAdd(a: i32, b: i32): i32;
// @ts-ignore: decorator
@external("host", "delayedEcho") declare function hostEcho(text: string, ms: i32): string;
// @ts-ignore: decorator
@external("host", "mixed") declare function hostMixed(i: i32, f: f64, big: i64, flag: bool, text: string, bytes: Uint8Array): void;
// @ts-ignore: decorator
@external("host", "reject") declare function hostReject(message: string): void;

/** Host functions declared with `@external("host", ...)` and called like any function. */
export function typedCalls(): string {
  hostMixed(1, 2, 3, true, "x", new Uint8Array(2));
  return hostAdd(2, 3).toString() + "|" + hostEcho("hi", 5);
}

export function typedReject(message: string): i32 {
  hostReject(message);
  return 1;
}

/** `n` calls of a declared host function in a row (allocates nothing that outlives a call). */
export function typedAddMany(n: i32): i32 {
  let s = 0;
  for (let i = 0; i < n; i++) s += hostAdd(i, 1);
  return s;
}

/** A rejection handled by the caller: "failed:<message>|<value of a later call>". */
export function handledRejection(message: string): string {
  const r = tryCallHost("reject", HostArgs.of().str(message));
  const ok = tryCallHost("add", HostArgs.of().i32(1).i32(1));
  return (r.failed ? "failed:" + r.error : "ok") + "|" + (ok.failed ? "?" : ok.i32().toString());
}

// --- host calls in a cleanup: shielded from the cancellation that ended the thread

const CLEANUP_RESULT = memory.data(4);

function reportFromCleanup(unused: i32): void {
  atomic.store<i32>(CLEANUP_RESULT, I32.parseInt(callHost("delayedEcho", HostArgs.of().str("41").i32(2)).str()) + 1);
}

function waitsThenCleansUp(unused: i32): void {
  onExit<i32>(reportFromCleanup, 0);
  callHost("delayedEcho", HostArgs.of().str("never mind").i32(10_000)); // cancelled while waiting here
}

/** A thread cancelled in a host call runs its cleanup, which makes a host call of its own; returns its result. */
export function hostCallInCleanup(): i32 {
  atomic.store<i32>(CLEANUP_RESULT, 0);
  const g = new ThreadGroup(0, "cleanup");
  g.spawn<i32, void>(waitsThenCleansUp, 0);
  g.cancelAfter(5);
  g.join();
  return atomic.load<i32>(CLEANUP_RESULT);
}
