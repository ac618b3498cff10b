// `vthreads init [dir]`: scaffolds a project that uses vthreads, the way `npm create vite` does: an ES module
// package with a guest (src/guest/app.ts) and the tsconfig that lets an editor read it as AssemblyScript, a Node
// host, a Vite page served with the cross-origin isolation headers, and a vitest test of the guest.

import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { toolchainPackages } from "./toolchain.js";

interface OwnPackage {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
}

async function ownPackage(): Promise<OwnPackage> {
  return JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as OwnPackage;
}

/** A package name npm accepts, from the folder's name. */
function packageName(dir: string): string {
  const name = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "vthreads-app";
}

/** The files of a new project, by path. */
export async function projectFiles(dir: string): Promise<Record<string, string>> {
  const own = await ownPackage();
  const toolchain = toolchainPackages();
  const pkg = {
    name: packageName(dir),
    private: true,
    version: "0.0.0",
    type: "module",
    scripts: {
      build: "vthreads build src/guest/app.ts -o build",
      start: "npm run build && node src/main.js",
      dev: "npm run build && vite",
      "build:web": "npm run build && vite build",
      test: "npm run build && vitest run",
    },
    dependencies: { [own.name]: `^${own.version}` },
    devDependencies: {
      ...toolchain,
      vite: own.devDependencies.vite,
      vitest: own.devDependencies.vitest,
    },
  };
  return {
    "package.json": JSON.stringify(pkg, null, 2) + "\n",
    ".gitignore": "node_modules/\nbuild/\ndist/\n",
    "README.md": README,
    "src/guest/app.ts": GUEST,
    "src/guest/tsconfig.json": JSON.stringify(GUEST_TSCONFIG, null, 2) + "\n",
    "src/main.js": NODE_HOST,
    "index.html": PAGE,
    "src/web/main.js": WEB_HOST,
    "vite.config.js": VITE_CONFIG,
    "test/app.test.js": TEST,
  };
}

/** Writes a new project into `dir` (created if missing; refused if it holds anything). Returns the paths written. */
export async function init(dir: string): Promise<string[]> {
  const existing = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [];
    throw e;
  });
  if (existing.length > 0) {
    throw new Error(`${dir} is not empty (${existing.slice(0, 3).join(", ")}${existing.length > 3 ? ", ..." : ""}): init writes a new project into an empty or new folder`);
  }
  const files = await projectFiles(dir);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return Object.keys(files);
}

const GUEST = `// The guest: AssemblyScript, compiled with the vthreads runtime into build/app.wasm by \`npm run build\`.
// Blocking calls (join, get, sleep, lock, recv, fetch) suspend only the calling virtual thread.
import { ThreadGroup, Future, yieldNow } from "vthreads";

function square(i: i32): i64 {
  yieldNow(); // lets the other threads run: they interleave, on every worker
  return <i64>i * i;
}

/** 1² + 2² + ... + n², one virtual thread per term. */
export function sumSquares(n: i32): i64 {
  const group = new ThreadGroup(); // owns what it spawns; join() waits for all of it
  const terms = new Array<Future<i64>>();
  for (let i = 1; i <= n; i++) terms.push(group.spawn<i32, i64>(square, i)); // a function and one argument
  group.join();
  let total: i64 = 0;
  for (let i = 0; i < terms.length; i++) total += terms[i].get();
  return total;
}

export function hello(name: string): string {
  return "hello, " + name;
}
`;

/** The editor reads src/guest as AssemblyScript (asc's types) and "vthreads" as the guest library's sources. */
const GUEST_TSCONFIG = {
  extends: "assemblyscript/std/assembly.json",
  compilerOptions: {
    baseUrl: ".",
    paths: { vthreads: ["../../node_modules/vthreads/wasm/index.ts"] },
  },
  include: ["./**/*.ts"],
};

const NODE_HOST = `// The Node host: the generated bindings (build/app.js, typed by build/app.d.ts) start a runtime on worker_threads.
import { load } from "../build/app.js";

const app = await load({ workers: 4 });
try {
  console.log(await app.hello("Node"));
  console.log("1² + ... + 1000² =", await app.sumSquares(1000), "on", app.runtime.workerCount, "workers");
} finally {
  await app.close();
}
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>vthreads</title>
</head>
<body>
<pre id="out">starting…</pre>
<script type="module" src="/src/web/main.js"></script>
</body>
</html>
`;

const WEB_HOST = `// The page: the same bindings; Vite bundles the runtime's browser entry, its Web Worker and the .wasm.
import { load } from "../../build/app.js";

const out = document.getElementById("out");

async function main() {
  const app = await load({ workers: navigator.hardwareConcurrency });
  try {
    const sum = await app.sumSquares(1000);
    out.textContent = \`\${await app.hello("browser")}\\n1² + ... + 1000² = \${sum} on \${app.runtime.workerCount} workers\`;
    return String(sum);
  } finally {
    await app.close();
  }
}

window.vthreadsApp = main().catch((e) => {
  out.textContent = \`\${e.name}: \${e.message}\`;
  return \`\${e.name}: \${e.message}\`;
});
`;

const VITE_CONFIG = `import { defineConfig } from "vite";

// Workers share one WebAssembly.Memory only in a cross-origin isolated page: these two headers, on every response of
// the dev server and of \`vite preview\`. Your production server must send them too.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  // vthreads starts its Web Worker from a URL next to its own module: the dev server serves it as installed.
  optimizeDeps: { exclude: ["vthreads"] },
  // Each test file in its own process: a runtime starts worker_threads.
  test: { pool: "forks" },
});
`;

const TEST = `import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "../build/app.js";

let app;
beforeAll(async () => {
  app = await load({ workers: 2 });
});
afterAll(async () => {
  await app?.close();
});

it("sums the squares, one virtual thread per term", async () => {
  expect(await app.sumSquares(100)).toBe(338350n);
});

it("passes strings both ways", async () => {
  expect(await app.hello("test")).toBe("hello, test");
});
`;

const README = `# A vthreads project

- \`npm run build\`: compiles src/guest/app.ts (AssemblyScript) into build/app.wasm (Asyncify), build/app.jspi.wasm
  (JSPI) and the bindings build/app.js + build/app.d.ts.
- \`npm start\`: builds, then runs src/main.js, the Node host.
- \`npm run dev\`: builds, then serves index.html with Vite (the COOP/COEP headers are set in vite.config.js).
- \`npm run build:web\`: bundles the page into dist/; serve it with the same two headers.
- \`npm test\`: builds, then runs test/ with vitest.

The project must stay an ES module package (\`"type": "module"\`): the generated bindings are ES modules.
`;
