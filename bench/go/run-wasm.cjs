// Runs a Go js/wasm program in Node: Go's misc/wasm/wasm_exec_node.js, minus the line that assigns
// globalThis.crypto (a getter-only property since Node 19, which makes Go 1.19's own runner throw).
// usage: node bench/go/run-wasm.cjs <wasm_exec.js> <program.wasm> [arguments]
"use strict";
const fs = require("fs");
const [execJs, wasm, ...args] = process.argv.slice(2);
globalThis.require = require;
globalThis.fs = fs;
require(execJs); // defines globalThis.Go
const go = new Go();
go.argv = [wasm, ...args];
go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
go.exit = process.exit;
WebAssembly.instantiate(fs.readFileSync(wasm), go.importObject)
  .then((result) => go.run(result.instance))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
