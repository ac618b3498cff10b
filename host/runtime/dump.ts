// The thread dump (Runtime.dump(), and the dump a DeadlockError carries): its shape, and a readable rendering.
// The JSON is written by the runtime in Wasm (wasm/debug/dump.ts).

export interface DumpWait {
  /** sleep, mutex, semaphore, channel send, channel receive, select, future, join, children, event, wait group, host call */
  kind: string;
  /** sleep: until when (ms since the epoch) */
  until?: number;
  /** mutex, semaphore, channel, event: the name given at construction ("" when none) */
  name?: string;
  /** mutex: id of the thread holding it (0: none) */
  holder?: number;
  /** semaphore: permits wanted and free */
  wants?: number;
  available?: number;
  /** channel: messages buffered, capacity (-1: unbounded) */
  buffered?: number;
  capacity?: number;
  /** future: the thread computing it */
  thread?: number;
  /** join, children: the group */
  group?: number;
  /** host call: the host function's name, and since when it has been waited for (ms on the shared clock) */
  function?: string;
  since?: number;
  /** select: its enabled cases ("receive on channel \"jobs\"", "send on a channel", "timeout") */
  cases?: string[];
}

export interface DumpThread {
  id: number;
  /** "thread 1 / group 2 (name) / thread 5": its place in the tree */
  path: string;
  /**
   * running, runnable, pending (held back by maxConcurrency), waiting, exiting (waiting for its groups), pinned
   * (blocked inside a synchronous host function's callback: its worker waits for it; `on` says for what)
   */
  state: string;
  /** running, pinned: on which worker */
  worker?: number;
  cancelled?: boolean;
  on?: DumpWait;
  /** the groups it created that still have live threads */
  groups: DumpGroup[];
}

export interface DumpGroup {
  id: number;
  name: string;
  path: string;
  live: number;
  started: number;
  maxConcurrency: number;
  cancelled: boolean;
  failed: boolean;
  timedOut: boolean;
  /** a failed group's failures, in order (the first cancelled the rest); shown even when no thread of it is left */
  failures?: { thread: number; message: string }[];
  threads: DumpThread[];
}

export interface Dump {
  /** When it was taken (ms since the epoch) */
  time: number;
  workers: number;
  liveThreads: number;
  /** root calls, with everything they own */
  roots: DumpThread[];
  /** groups with live threads that no live thread owns (the background group, groups made at start-up) */
  groups: DumpGroup[];
  /** workers waiting for a pinned thread (they run other threads meanwhile, up to the nesting bound) */
  pinnedWorkers?: number[];
}

/** The dump as indented text, one line per thread or group. */
export function renderDump(dump: Dump): string {
  const pinned = dump.pinnedWorkers?.length ? `; worker(s) ${dump.pinnedWorkers.join(", ")} pinned` : "";
  const lines = [`${dump.liveThreads} live thread(s) on ${dump.workers} worker(s)${pinned}`];
  const thread = (t: DumpThread, depth: number) => {
    lines.push(`${"  ".repeat(depth)}thread ${t.id}: ${describeState(t, dump.time)}${t.cancelled ? " [cancelled]" : ""}`);
    for (const g of t.groups) group(g, depth + 1);
  };
  const group = (g: DumpGroup, depth: number) => {
    const flags = [g.failed && "failed", g.timedOut ? "timed out" : g.cancelled && "cancelled"].filter(Boolean);
    const limit = g.maxConcurrency > 0 ? `, max ${g.maxConcurrency} at once` : "";
    lines.push(`${"  ".repeat(depth)}group ${g.id}${g.name ? ` "${g.name}"` : ""}: ${g.live} live${limit}` +
      (flags.length ? ` [${flags.join(", ")}]` : ""));
    for (const f of g.failures ?? []) lines.push(`${"  ".repeat(depth + 1)}thread ${f.thread} failed: ${f.message}`);
    for (const t of g.threads) thread(t, depth + 1);
  };
  for (const t of dump.roots) thread(t, 0);
  for (const g of dump.groups) group(g, 0);
  return lines.join("\n");
}

function describeState(t: DumpThread, now: number): string {
  if (t.state === "running") return `running on worker ${t.worker ?? "?"}`;
  if (t.state === "pending") return "pending (its group is at maxConcurrency)";
  if (t.state === "pinned") {
    const on = t.on ? describeState({ ...t, state: "waiting" }, now)
      : "woken (resumes when the pins above it on that worker end)";
    return `pinned on worker ${t.worker ?? "?"}, ${on}`;
  }
  if (t.state === "exiting") return `exiting, waiting for the threads of group ${t.on?.group ?? "?"}`;
  if (t.state !== "waiting" || !t.on) return t.state;
  const on = t.on;
  const named = on.name ? ` "${on.name}"` : "";
  switch (on.kind) {
    case "sleep": return `sleeping for ${Math.max(0, (on.until ?? now) - now).toFixed(1)} ms more`;
    case "mutex": return `waiting on mutex${named}, held by ${on.holder ? `thread ${on.holder}` : "nobody"}`;
    case "semaphore": return `waiting on semaphore${named} for ${on.wants} permit(s), ${on.available} free`;
    case "channel send": return `waiting to send on channel${named} (${on.buffered} buffered)`;
    case "channel receive": return `waiting to receive on channel${named}`;
    case "future": return `waiting for the result of thread ${on.thread}`;
    case "join": return `joining group ${on.group}`;
    case "event": return `waiting on event${named}`;
    case "select": return `waiting in a select: ${(on.cases ?? []).join(", ") || "no case"}`;
    case "host call":
      return `waiting on host call ${on.function ?? "?"} for ${Math.max(0, now - (on.since ?? now)).toFixed(1)} ms`;
    default: return `waiting on ${on.kind}`;
  }
}
