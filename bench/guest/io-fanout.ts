// Fan-out guest: n GET requests to the benchmark's local server through ThreadGroup(cap), each page's length
// stored in a Mutex-guarded map. Returns the total bytes.
import { ThreadGroup, Mutex, fetch } from "vthreads";

class Store {
  lengths: Map<i32, i32> = new Map<i32, i32>();
}

class Job {
  constructor(public store: Mutex<Store>, public url: string, public i: i32) {}
}

function download(job: Job): void {
  const r = fetch(job.url);
  if (r.status != 200) abort("GET " + job.url + " answered " + r.status.toString());
  const length = r.text().length;
  const s = job.store.lock();
  s.value.lengths.set(job.i, length);
  s.unlock();
}

export function fanout(base: string, n: i32, cap: i32): i64 {
  const store = new Mutex<Store>(new Store());
  const g = new ThreadGroup(cap);
  for (let i = 0; i < n; i++) g.spawn<Job, void>(download, new Job(store, base + "/page/" + i.toString(), i));
  g.join();
  const s = store.lock();
  const values = s.value.lengths.values();
  let total: i64 = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  const count = s.value.lengths.size;
  s.unlock();
  return count == n ? total : -1;
}
