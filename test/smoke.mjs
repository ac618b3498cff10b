import { build, Runtime } from "../dist/host/index.js";
const out = await build({ entry: "test/guests/basics.ts", outDir: "build/test" });
console.log(out.manifest.exports.map((e) => e.name));
const rt = await Runtime.start(out.wasmPath, { workers: Number(process.argv[2] ?? 1) });
console.log(await rt.call("add", 2, 0.5), await rt.call("greet", "wörld"), await rt.call("myId"));
console.log(await rt.call("fanOut", 1000), 999 * 1000);
console.log(await rt.call("sleepFor", 20));
console.log(rt.schedulerStats(), rt.memoryStats());
await rt.close();
