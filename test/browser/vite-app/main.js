// A tiny app as a user would write it: the package by its name, and a guest's generated bindings (build/, made by
// `vthreads build` in the test). Vite bundles the runtime, its module Web Worker and the .wasm.
import { Runtime } from "vthreads";
import { load } from "./build/basics.js";

const out = document.getElementById("out");

async function main() {
  const app = await load({ workers: 2 });
  try {
    const result = {
      sum: String(await app.fanOut(1000)),
      greeting: await app.greet("vite"),
      workers: app.runtime.workerCount,
      // The bindings and this file got the same Runtime: one copy of vthreads in the bundle.
      sameRuntime: app.runtime instanceof Runtime,
    };
    out.textContent = JSON.stringify(result);
    return result;
  } finally {
    await app.close();
  }
}

window.viteApp = main().catch((e) => {
  out.textContent = `${e.name}: ${e.message}`;
  return { error: `${e.name}: ${e.message}` };
});
