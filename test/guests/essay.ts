// The examples of the essay this project started from ("From async/await to virtual threads": download_all with a
// ThreadGroup(max_concurrency=8), a Mutex-guarded store, a failing page cancelling the rest; the essay itself is not
// part of this repository), in AssemblyScript, as the tests of test/runtime/essay.test.ts. `fetchUrl` stands in for the network with a sleep until host I/O lands;
// a gauge proves the concurrency limit.
import { ThreadGroup, Future, Mutex, sleep, onExit } from "vthreads";
import { xorshift } from "../../guest-lib/xorshift";
import { raiseMax } from "../../guest-lib/gauge";

const CELLS = memory.data(32);
const IN_FLIGHT: usize = CELLS + 0;
const MAX_IN_FLIGHT: usize = CELLS + 4;
const FINISHED: usize = CELLS + 8;
const FAILING_URL: usize = CELLS + 12;

function leaveFlight(unused: i32): void {
  atomic.sub<i32>(IN_FLIGHT, 1);
}

/** "Downloads" a URL: takes 1 to 8 ms, counts how many downloads are in flight, fails for the failing URL. */
function fetchUrl(url: string): string {
  raiseMax(MAX_IN_FLIGHT, atomic.add<i32>(IN_FLIGHT, 1) + 1);
  // A cancelled download ends in its sleep, and nothing after it runs: the cleanup keeps the gauge right anyway.
  const leave = onExit<i32>(leaveFlight, 0);
  const n = I32.parseInt(url.substring(url.lastIndexOf("/") + 1));
  sleep(<f64>(1 + (xorshift(<u32>n + 1) & 7)));
  leave.run();
  if (n == atomic.load<i32>(FAILING_URL)) abort("fetch failed: " + url + " answered 500");
  atomic.add<i32>(FINISHED, 1);
  return "<html>" + url + "</html>";
}

/** The essay's MyResultStore: what the downloads put together, guarded by a Mutex. */
class ResultStore {
  pages: Map<string, string> = new Map<string, string>();
}

class Download {
  constructor(public results: Mutex<ResultStore>, public url: string) {}
}

function downloadAndStore(d: Download): void {
  const page = fetchUrl(d.url);
  const store = d.results.lock();
  store.value.pages.set(d.url, page);
  store.unlock();
}

function urls(n: i32): string[] {
  const list = new Array<string>(n);
  for (let i = 0; i < n; i++) list[i] = "http://127.0.0.1/page/" + i.toString();
  return list;
}

function reset(failing: i32): void {
  atomic.store<i32>(IN_FLIGHT, 0);
  atomic.store<i32>(MAX_IN_FLIGHT, 0);
  atomic.store<i32>(FINISHED, 0);
  atomic.store<i32>(FAILING_URL, failing);
}

/**
 *     def download_all(urls):
 *         results = Mutex(MyResultStore())
 *         with ThreadGroup(max_concurrency=8) as g:
 *             for url in urls:
 *                 g.spawn(partial(download_and_store, results, url))
 *         return results
 *
 * Returns "pages,maxInFlight,allCorrect".
 */
export function downloadAll(n: i32, failing: i32): string {
  reset(failing);
  const list = urls(n);
  const results = new Mutex<ResultStore>(new ResultStore(), "results");
  const g = new ThreadGroup(8, "downloads");
  for (let i = 0; i < list.length; i++) g.spawn<Download, void>(downloadAndStore, new Download(results, list[i]));
  g.join(); // with a failing URL: fails here, after the other downloads were cancelled
  const store = results.lock();
  const pages = store.value.pages;
  let correct = pages.size == n;
  for (let i = 0; i < list.length; i++) {
    if (!pages.has(list[i]) || pages.get(list[i]) != "<html>" + list[i] + "</html>") correct = false;
  }
  store.unlock();
  return pages.size.toString() + "," + atomic.load<i32>(MAX_IN_FLIGHT).toString() + "," + (correct ? "1" : "0");
}

/**
 *     def download_all(urls):
 *         futures = []
 *         with ThreadGroup() as g:
 *             for url in urls:
 *                 futures.append((url, g.spawn(lambda: fetch_url(url))))
 *         return {url: future.result() for (url, future) in futures}
 *
 * Returns the total length of the pages, in URL order (checked against the URLs).
 */
export function downloadAllFutures(n: i32): i32 {
  reset(-1);
  const list = urls(n);
  const futures = new Array<Future<string>>();
  const g = new ThreadGroup(8, "downloads");
  for (let i = 0; i < list.length; i++) futures.push(g.spawn<string, string>(fetchUrl, list[i]));
  g.join();
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    const page = futures[i].get();
    if (page != "<html>" + list[i] + "</html>") return -1;
    total += page.length;
  }
  return total;
}

/** How many downloads finished, and how many are still in flight (after a failed run: none). */
export function finishedDownloads(): i32 {
  return atomic.load<i32>(FINISHED) * 1000 + atomic.load<i32>(IN_FLIGHT);
}
