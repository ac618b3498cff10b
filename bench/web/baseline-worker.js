// Runs a plain-JS baseline (bench/baselines/*.js) in a module Web Worker, so the page's main thread stays free while
// a baseline computes for a second. The page starts a fresh worker per variant (a fresh heap, like the Node
// harness's child process per variant) and terminates it afterwards.

const modules = new Map();

self.onmessage = async ({ data: { id, module, exportName, params } }) => {
  try {
    if (!modules.has(module)) modules.set(module, await import(module));
    const fn = modules.get(module)[exportName];
    if (typeof fn !== "function") throw new Error(`${module} does not export ${exportName}()`);
    const out = await fn(params);
    const { value, info } = out !== null && typeof out === "object" ? out : { value: out, info: undefined };
    self.postMessage({ id, ok: true, value, info });
  } catch (e) {
    self.postMessage({ id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
  }
};
