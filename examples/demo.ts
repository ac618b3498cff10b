// The demo guest: the essay's download_all, for real. Plain blocking code: `fetch` blocks only its virtual thread,
// the worker runs other threads meanwhile, and threads move between workers that share one memory.
import { ThreadGroup, Mutex, fetch, print, yieldNow, now } from "vthreads";

/** The essay's MyResultStore: what the downloads put together, guarded by a Mutex. */
class ResultStore {
  pages: Map<string, i32> = new Map<string, i32>();
  bytes: i64 = 0;
}

class Download {
  constructor(public results: Mutex<ResultStore>, public url: string, public total: i32) {}
}

function downloadAndStore(d: Download): void {
  const response = fetch(d.url);
  if (!response.ok) throw new Error(d.url + " answered " + response.status.toString() + ": " + response.text());
  const page = response.text();
  const store = d.results.lock();
  store.value.pages.set(d.url, page.length);
  store.value.bytes += page.length;
  const done = store.value.pages.size;
  store.unlock();
  if (done % 50 == 0) print("  " + done.toString() + "/" + d.total.toString() + " pages");
}

/**
 *     def download_all(urls):
 *         results = Mutex(MyResultStore())
 *         with ThreadGroup(max_concurrency=8) as g:
 *             for url in urls:
 *                 g.spawn(partial(download_and_store, results, url))
 *         return results
 *
 * A failing download fails the group: the downloads still running are cancelled (their requests aborted), the
 * ones not started never start, and the failure reaches the caller.
 */
export function downloadAll(base: string, n: i32): string {
  const results = new Mutex<ResultStore>(new ResultStore(), "results");
  const g = new ThreadGroup(8, "downloads");
  for (let i = 0; i < n; i++) g.spawn<Download, void>(downloadAndStore, new Download(results, base + "/page/" + i.toString(), n));
  g.join();
  const store = results.lock();
  const summary = store.value.pages.size.toString() + " pages, " + store.value.bytes.toString() + " bytes";
  store.unlock();
  return summary;
}

function busy(rounds: i32): i32 {
  let x = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 1000; i++) x = (x * 31 + i) & 0xffff;
    yieldNow(); // let the others run: scheduling is cooperative
  }
  return x;
}

/** Spawns n threads that each compute and yield `rounds` times; returns how long it took (ms). */
export function crowd(n: i32, rounds: i32): f64 {
  const t0 = now();
  const g = new ThreadGroup();
  for (let i = 0; i < n; i++) g.spawn<i32, i32>(busy, rounds);
  g.join();
  return now() - t0;
}
