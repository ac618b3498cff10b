// runtime.dump(): the live threads as a JSON tree. Root calls come first, each with the groups it created, their
// threads, the groups those created, and so on; then the active groups that no live thread owns (the background
// group, groups created at start-up). Each thread says what it is doing: running on worker N, runnable, pending
// (held back by its group's maxConcurrency), sleeping until T, waiting on a mutex (and who holds it), a semaphore,
// a channel, a future, a join, an event, a wait group, a host call, or exiting (waiting for its groups to drain).
//
// The dump walks the registries under their locks (scheduler/registry.ts, each group's lock), so every record it
// reads stays allocated while it reads it; the states it reports are a snapshot that may be stale at once.

import { timerDeadline } from "../scheduler/timers";
import { T_STATE, ST_DONE, threadId, T_FLAGS, C_OWNED, coldField, T_SIB_NEXT, T_WAIT_KIND, T_WAIT_OBJ, T_SLOT, ST_RUNNING,
         ST_RUNNABLE, ST_PENDING, ST_PARKING, ST_PARKED, ST_NOTIFIED, F_EXITING, F_PINNED, F_WORKER_SHIFT, W_SLEEP,
         W_MUTEX, W_SEMAPHORE, W_SEND, W_RECV, W_FUTURE, W_JOIN, W_EVENT, W_WAITGROUP, W_HOST, W_EXIT, W_SELECT, isCancelled } from "../scheduler/thread";
import { ROOTS_LOCK, ROOTS_HEAD, GROUPS_LOCK, GROUPS_HEAD, WORKERS_BOOTED, WORKER_STATS, WS_LIVE, MAX_WORKERS,
         WORKER_STATS_STRIDE } from "../memory/layout";
import { lock, unlock } from "../memory/spinlock";
import { ThreadGroup } from "../groups/group";
import { FutureBase } from "../scheduler/outcome";
import { MutexCore } from "../sync/mutex";
import { Semaphore } from "../sync/semaphore";
import { Channel } from "../sync/channel";
import { Select } from "../sync/select";
import { Event } from "../sync/event";
import { now } from "../scheduler/clock";
import { JsonWriter } from "./json";
import { R_NAME, R_SINCE } from "../io/record";

/** Live threads, summed over the workers' counters. */
export function liveThreads(): i32 {
  let n = 0;
  const workers = atomic.load<u32>(WORKERS_BOOTED);
  for (let i: u32 = 0; i < workers && i < MAX_WORKERS; i++) n += load<i32>(WORKER_STATS + <usize>i * WORKER_STATS_STRIDE + WS_LIVE);
  return n;
}

/** Bit i: a pinned thread of worker i was written. */
let pinnedSeen: u64 = 0; // per worker
/** The failures of the failed groups this worker's last dump showed, for deadlock reports (per worker, like the dump). */
let failuresSeen: Array<string> = new Array<string>();

/** The failures the last `writeDump` found in failed groups. */
export function dumpedFailures(): Array<string> {
  return failuresSeen;
}

/** Writes the dump; returns the writer's block ({length, capacity, UTF-8 bytes}), 0 when out of memory. */
export function writeDump(): usize {
  const w = new JsonWriter();
  failuresSeen = new Array<string>();
  w.open("{");
  w.key("time"); w.num(now());
  w.key("workers"); w.int(atomic.load<u32>(WORKERS_BOOTED));
  w.key("liveThreads"); w.int(liveThreads());
  w.key("roots"); w.begin("[");
  lock(ROOTS_LOCK);
  let t = load<usize>(ROOTS_HEAD);
  while (t != 0) {
    writeThread(w, t, "");
    t = load<usize>(t, T_SIB_NEXT);
  }
  unlock(ROOTS_LOCK);
  w.close("]");
  // Active groups that no live thread owns. Collected first, so the registry's lock is not held while each
  // group's lock is taken (childExited takes them in the other order). Groups are never freed while listed.
  w.key("groups"); w.begin("[");
  const orphans = new Array<usize>();
  lock(GROUPS_LOCK);
  let g = load<usize>(GROUPS_HEAD);
  while (g != 0) {
    // @ts-ignore: private access
    if (changetype<ThreadGroup>(g).owner == 0) orphans.push(g);
    // @ts-ignore
    g = changetype<ThreadGroup>(g).activeNext;
  }
  unlock(GROUPS_LOCK);
  for (let i = 0; i < orphans.length; i++) writeGroup(w, orphans[i], "");
  w.close("]");
  // Workers waiting for a pinned thread (driver/pin.ts): every pinned thread's worker, once.
  w.key("pinnedWorkers"); w.begin("[");
  for (let i: u32 = 0; i < MAX_WORKERS; i++) if (pinnedSeen & (<u64>1 << i)) w.int(i);
  w.close("]");
  pinnedSeen = 0;
  w.close("}");
  return w.block;
}

function groupLabel(g: ThreadGroup): string {
  return "group " + g.id.toString() + (g.name.length > 0 ? " (" + g.name + ")" : "");
}

function writeGroup(w: JsonWriter, g: usize, path: string): void {
  const group = changetype<ThreadGroup>(g);
  const here = path.length == 0 ? groupLabel(group) : path + " / " + groupLabel(group);
  lock(g);
  w.begin("{");
  w.key("id"); w.int(group.id);
  w.key("name"); w.str(group.name);
  w.key("path"); w.str(here);
  w.key("live"); w.int(group.running);
  // @ts-ignore: private access (counted only under a limit: without one, every live child has started)
  w.key("started"); w.int(group.maxConcurrency == 0 ? group.running : group.started);
  w.key("maxConcurrency"); w.int(group.maxConcurrency);
  w.key("cancelled"); w.bool(group.cancelled);
  w.key("failed"); w.bool(group.failed);
  w.key("timedOut"); w.bool(group.timedOut);
  // @ts-ignore: private access (the group's lock is held)
  const failures = group.failureList;
  if (failures != null && failures.length > 0) {
    w.key("failures"); w.begin("[");
    for (let i = 0; i < failures.length; i++) {
      const f = unchecked(failures[i]);
      w.begin("{");
      w.key("thread"); w.int(f.thread);
      w.key("message"); w.str(f.message);
      w.close("}");
      failuresSeen.push("thread " + f.thread.toString() + " of group " + group.id.toString() +
        (group.name.length > 0 ? " \"" + group.name + "\"" : "") + " failed: " + f.message);
    }
    w.close("]");
  }
  w.key("threads"); w.begin("[");
  // @ts-ignore
  let c = group.children;
  while (c != 0) {
    // An ended child whose worker has not handed its end to the group yet (groups/group.ts, batched ends).
    if (atomic.load<i32>(c + T_STATE) != ST_DONE) writeThread(w, c, here);
    c = load<usize>(c, T_SIB_NEXT);
  }
  w.close("]");
  w.close("}");
  unlock(g);
}

function writeThread(w: JsonWriter, t: usize, path: string): void {
  const id = threadId(t);
  const here = (path.length == 0 ? "" : path + " / ") + "thread " + id.toString();
  const state = atomic.load<i32>(t + T_STATE);
  const flags = load<u32>(t, T_FLAGS);
  w.begin("{");
  w.key("id"); w.int(id);
  w.key("path"); w.str(here);
  w.key("state");
  const waiting = state == ST_PARKING || state == ST_PARKED || state == ST_NOTIFIED;
  const pinned = (flags & F_PINNED) != 0 && (waiting || state == ST_RUNNABLE);
  if (pinned) w.str("pinned");
  else if (flags & F_EXITING) w.str("exiting");
  else if (state == ST_RUNNING) w.str("running");
  else if (state == ST_RUNNABLE) w.str("runnable");
  else if (state == ST_PENDING) w.str("pending");
  else if (state == ST_PARKING || state == ST_PARKED || state == ST_NOTIFIED) w.str("waiting");
  else w.str("other");
  const worker = (flags >> F_WORKER_SHIFT) & 0xff;
  if ((state == ST_RUNNING || pinned) && worker != 0xff) { w.key("worker"); w.int(worker); }
  if (pinned && worker < 64) pinnedSeen |= <u64>1 << worker;
  if (isCancelled(t)) { w.key("cancelled"); w.bool(true); }
  if (state == ST_PARKING || state == ST_PARKED || state == ST_NOTIFIED) {
    w.key("on");
    writeWait(w, t);
  }
  w.key("groups"); w.begin("[");
  let g = coldField(t, C_OWNED);
  while (g != 0) {
    // A failed group is shown even once its threads are gone: its failure may be why this thread waits.
    if (changetype<ThreadGroup>(g).running > 0 || changetype<ThreadGroup>(g).failed) writeGroup(w, g, here);
    // @ts-ignore: private access
    g = changetype<usize>(changetype<ThreadGroup>(g).ownerNext);
  }
  w.close("]");
  w.close("}");
}

function writeWait(w: JsonWriter, t: usize): void {
  const kind = <i32>load<u8>(t, T_WAIT_KIND);
  const obj = load<usize>(t, T_WAIT_OBJ);
  w.begin("{");
  w.key("kind");
  switch (kind) {
    case W_SLEEP: {
      w.str("sleep");
      const until = timerDeadline(t);
      if (!isNaN(until)) { w.key("until"); w.num(until); }
      break;
    }
    case W_MUTEX: {
      const m = changetype<MutexCore>(obj);
      w.str("mutex");
      w.key("name"); w.str(m.name);
      w.key("holder"); w.int(m.holder);
      break;
    }
    case W_SEMAPHORE: {
      const s = changetype<Semaphore>(obj);
      w.str("semaphore");
      w.key("name"); w.str(s.name);
      w.key("wants"); w.int(<i64>load<u64>(t, T_SLOT));
      w.key("available"); w.int(s.available);
      break;
    }
    case W_SEND:
    case W_RECV: {
      const c = changetype<Channel<i32>>(obj); // the fields read here do not depend on the message type
      w.str(kind == W_SEND ? "channel send" : "channel receive");
      w.key("name"); w.str(c.name);
      w.key("buffered"); w.int(c.length);
      w.key("capacity"); w.int(c.capacity);
      break;
    }
    case W_FUTURE: {
      w.str("future");
      w.key("thread"); w.int(changetype<FutureBase>(obj).thread);
      break;
    }
    case W_JOIN:
    case W_EXIT: {
      w.str(kind == W_JOIN ? "join" : "children");
      w.key("group"); w.int(changetype<ThreadGroup>(obj).id);
      break;
    }
    case W_EVENT: {
      w.str("event");
      w.key("name"); w.str(changetype<Event>(obj).name);
      break;
    }
    case W_WAITGROUP: { w.str("wait group"); break; }
    case W_SELECT: {
      w.str("select");
      w.key("cases"); w.begin("[");
      const cases = changetype<Select>(obj).describeCases();
      for (let i = 0; i < cases.length; i++) w.str(unchecked(cases[i]));
      w.close("]");
      break;
    }
    case W_HOST: {
      w.str("host call");
      w.key("function"); w.str(changetype<string>(load<usize>(obj, R_NAME)));
      w.key("since"); w.num(load<f64>(obj, R_SINCE));
      break;
    }
    default: w.str("unknown");
  }
  w.close("}");
}
