// Guests get only what the host grants (RuntimeOptions.allow, host/workers/grants.ts): files to read and write,
// network origins. Every escape a guest could try is refused with a message naming the grant it would need, and
// what is granted still works: paths outside the roots, `..`, Windows separators, symlinks out of a root (to a
// directory, to a file, dangling), a root's name as a prefix of a sibling's, NUL characters, a redirect from a
// granted origin to another, another port of a granted host. Guest: test/guests/grants.ts.
import { execFile } from "node:child_process";
import http from "node:http";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import { mkdtemp, mkdir, rm, symlink, writeFile, readFile, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime, ThreadFailure } from "../../dist/host/index.js";
import { BACKEND, REPO_ROOT, rejectionOf, start, stop, backendAndWorkers, useGuest, sharedRuntime } from "./helpers.js";

let base: string; // a temporary directory: granted/, readonly/, secret/, granted2/
let granted: string;
let readonly: string;
let secret: string;
let servers: http.Server[] = [];
let allowedOrigin: string; // serves /ok, /redirect?to=URL
let otherOrigin: string; // never granted

async function serve(): Promise<string> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/redirect") {
      res.writeHead(302, { location: url.searchParams.get("to") ?? "/" });
      return res.end();
    }
    res.end(`served ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "vthreads-grants-"));
  granted = path.join(base, "granted");
  readonly = path.join(base, "readonly");
  secret = path.join(base, "secret");
  for (const d of [granted, path.join(granted, "sub"), readonly, secret, path.join(base, "granted2")]) await mkdir(d);
  await writeFile(path.join(granted, "ok.txt"), "ok");
  await writeFile(path.join(granted, "sub", "inner.txt"), "inner");
  await writeFile(path.join(readonly, "r.txt"), "readable");
  await writeFile(path.join(secret, "key.txt"), "SECRET");
  await writeFile(path.join(base, "granted2", "x.txt"), "sibling");
  await symlink(secret, path.join(granted, "link-out")); // a directory outside
  await symlink(path.join(secret, "key.txt"), path.join(granted, "link-file")); // a file outside
  await symlink(path.join(secret, "new.txt"), path.join(granted, "dangling")); // a file outside, not there yet
  await symlink(path.join(granted, "ok.txt"), path.join(granted, "link-in")); // stays inside: allowed
  allowedOrigin = await serve();
  otherOrigin = await serve();
}, 120_000);

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await rm(base, { recursive: true, force: true });
});
// After the hooks above: vitest runs afterAll hooks in reverse, so the runtimes left open close before the servers.
const wasm = useGuest("grants");

async function reason(rt: Runtime, name: string, ...args: unknown[]): Promise<string> {
  const e = await rejectionOf(rt.call(name, ...args));
  expect(e).toBeInstanceOf(ThreadFailure);
  return (e as ThreadFailure).reason;
}

async function missing(p: string): Promise<boolean> {
  return access(p).then(() => false, () => true);
}

/** Each escape: what it is, and (once the files exist) the path the guest gives and the path the message must name. */
const ESCAPES: [string, () => [string, string]][] = [
  ["an absolute path outside", () => [path.join(secret, "key.txt"), path.join(secret, "key.txt")]],
  ["a path with ..", () => [path.join(granted, "..", "secret", "key.txt"), path.join(secret, "key.txt")]],
  ["a relative path with .. from the current directory", () => [path.relative(process.cwd(), path.join(secret, "key.txt")), path.join(secret, "key.txt")]],
  ["Windows separators with ..", () => [`${granted}\\..\\secret\\key.txt`, path.join(secret, "key.txt")]],
  ["a sibling whose name starts with the root's", () => [path.join(base, "granted2", "x.txt"), path.join(base, "granted2", "x.txt")]],
  ["a symlink to a directory outside", () => [path.join(granted, "link-out", "key.txt"), path.join(secret, "key.txt")]],
  ["a symlink to a file outside", () => [path.join(granted, "link-file"), path.join(secret, "key.txt")]],
];

for (const workers of [1, 4]) {
  describe(`grants (${backendAndWorkers(workers)})`, () => {
    const runtime = sharedRuntime(wasm, workers, () => ({ allow: { read: [granted, readonly], write: [granted], net: [allowedOrigin] } }));

    it("granted files are read and written: absolute, relative, with .. inside the root, through a symlink inside", async () => {
      const rt = runtime();
      expect(await rt.call("read", path.join(granted, "ok.txt"))).toBe("ok");
      expect(await rt.call("read", path.relative(process.cwd(), path.join(granted, "sub", "inner.txt")))).toBe("inner");
      expect(await rt.call("read", path.join(granted, "sub", "..", "ok.txt"))).toBe("ok");
      expect(await rt.call("read", path.join(granted, "link-in"))).toBe("ok");
      expect(await rt.call("read", path.join(readonly, "r.txt"))).toBe("readable");
      expect(await rt.call("write", path.join(granted, "sub", `new-${workers}.txt`), "written")).toBe(7);
      expect(await readFile(path.join(granted, "sub", `new-${workers}.txt`), "utf8")).toBe("written");
    });

    for (const [what, paths] of ESCAPES) {
      it(`reading ${what} is refused, naming the read grant it would need`, async () => {
        const [p, named] = paths();
        const r = await reason(runtime(), "read", p);
        expect(r).toMatch(/^readFile\(.*\) denied: (it resolves \(through a symlink\) to .*, outside the granted read roots; )?read access/);
        expect(r).toContain(`read access to ${named} is not granted`);
        expect(r).toContain(`allow: { read: ["${named}"] }`);
        expect(r).toContain(`--allow-read=${named}`);
        expect(r).not.toContain("SECRET");
      });
      it(`writing ${what} is refused`, async () => {
        const [p] = paths();
        const r = await reason(runtime(), "write", p, "pwned");
        expect(r).toMatch(/^writeFile\(.*\) denied: (it resolves \(through a symlink\) to .*, outside the granted write roots; )?write access to .* is not granted/);
        expect(await readFile(path.join(secret, "key.txt"), "utf8")).toBe("SECRET");
      });
    }

    it("escapes by writing: a new file through a symlink out, a dangling symlink out, a directory granted for reading only", async () => {
      const rt = runtime();
      expect(await reason(rt, "write", path.join(granted, "link-out", `made-${workers}.txt`), "x")).toContain(
        `write access to ${path.join(secret, `made-${workers}.txt`)} is not granted`,
      );
      await rejectionOf(rt.call("write", path.join(granted, "dangling"), "x"));
      expect(await reason(rt, "write", path.join(readonly, "r.txt"), "x")).toContain(`write access to ${path.join(readonly, "r.txt")} is not granted`);
      expect(await missing(path.join(secret, `made-${workers}.txt`))).toBe(true);
      expect(await missing(path.join(secret, "new.txt"))).toBe(true);
      expect(await readFile(path.join(secret, "key.txt"), "utf8")).toBe("SECRET");
      expect(await readFile(path.join(readonly, "r.txt"), "utf8")).toBe("readable");
    });

    it("a path with a NUL character is refused", async () => {
      expect(await reason(runtime(), "read", `${granted}/ok.txt\0/../../secret/key.txt`)).toContain("contains a NUL character");
    });

    it("fetch: a granted origin works, and so does a redirect within it", async () => {
      const rt = runtime();
      expect(await rt.call("get", `${allowedOrigin}/ok`)).toBe("200 served /ok");
      expect(await rt.call("get", `${allowedOrigin}/redirect?to=/ok2`)).toBe("200 served /ok2");
    });

    it("fetch: another origin, another port of the granted host, a redirect to another origin and a data: URL are refused", async () => {
      const rt = runtime();
      const other = new URL(otherOrigin);
      expect(await reason(rt, "get", `${otherOrigin}/x`)).toBe(
        `fetch GET ${otherOrigin}/x denied: network access to ${otherOrigin} is not granted ` +
          `(grant it with Runtime.start(..., { allow: { net: ["${otherOrigin}"] } }) or vthreads run --allow-net=${otherOrigin})`,
      );
      expect(await reason(rt, "get", `http://localhost:${other.port}/x`)).toContain(`network access to http://localhost:${other.port} is not granted`);
      const redirected = await reason(rt, "get", `${allowedOrigin}/redirect?to=${encodeURIComponent(`${otherOrigin}/stolen`)}`);
      expect(redirected).toContain(`fetch GET ${otherOrigin}/stolen denied: network access to ${otherOrigin} is not granted`);
      expect(await reason(rt, "get", "data:text/plain,hi")).toContain("only http(s) origins can be granted");
    });
  });
}

describe(`default grants (${BACKEND})`, () => {
  it("nothing is granted by default: files and the network are refused, naming the grant", async () => {
    const rt = await start(wasm(), 1);
    try {
      expect(await reason(rt, "read", path.join(granted, "ok.txt"))).toContain(`read access to ${path.join(granted, "ok.txt")} is not granted`);
      expect(await reason(rt, "write", path.join(granted, "nope.txt"), "x")).toContain("write access");
      expect(await reason(rt, "get", `${allowedOrigin}/ok`)).toContain(`network access to ${allowedOrigin} is not granted`);
      expect(await missing(path.join(granted, "nope.txt"))).toBe(true);
    } finally {
      await stop(rt);
    }
  });

  it("true grants everything of a kind", async () => {
    const rt = await start(wasm(), 1, { allow: { read: true, net: true } });
    try {
      expect(await rt.call("read", path.join(secret, "key.txt"))).toBe("SECRET");
      expect(await rt.call("get", `${allowedOrigin}/redirect?to=${encodeURIComponent(`${otherOrigin}/y`)}`)).toBe("200 served /y");
      expect(await reason(rt, "write", path.join(secret, "w.txt"), "x")).toContain("write access");
    } finally {
      await stop(rt);
    }
  });

  it("malformed grants are refused by Runtime.start, naming the problem", async () => {
    const bad: [unknown, string][] = [
      [{ net: ["http://example.com/path"] }, 'allow.net: "http://example.com/path" has more than an origin; grants are per origin (scheme://host[:port]): "http://example.com"'],
      [{ net: ["example.com"] }, 'allow.net: "example.com" is not an origin'],
      [{ net: ["ftp://example.com"] }, "is not an http(s) origin"],
      [{ read: "/tmp" }, "allow.read must be true or an array of non-empty strings"],
      [{ read: [""] }, "allow.read must be true or an array of non-empty strings"],
      [{ exec: true }, "allow.exec is not a grant (grants: read, write, net)"],
      ["all", "allow must be an object"],
    ];
    for (const [allow, message] of bad) {
      await expect(Runtime.start(wasm(), { backend: BACKEND, workers: 1, allow: allow as never })).rejects.toThrow(message);
    }
  });
});

describe("vthreads run --allow-read / --allow-write / --allow-net", () => {
  const run = async (...args: string[]) => {
    const cli = path.join(REPO_ROOT, "dist", "host", "cli.js");
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [cli, "run", wasm(), ...args, "--workers", "1"]);
      return { code: 0, out: stdout.trim() };
    } catch (e) {
      const failed = e as { code: number; stderr: string };
      return { code: failed.code, out: failed.stderr.trim() };
    }
  };

  it("without flags nothing is granted; each flag grants what it names, alone it grants everything of its kind", async () => {
    const ok = path.join(granted, "ok.txt");
    const denied = await run("read", ok);
    expect(denied.code).not.toBe(0);
    expect(denied.out).toContain(`read access to ${ok} is not granted`);
    expect(denied.out).toContain(`--allow-read=${ok}`);
    expect(await run("read", ok, `--allow-read=${secret},${granted}`)).toEqual({ code: 0, out: "\"ok\"" });
    expect((await run("read", path.join(secret, "key.txt"), `--allow-read=${granted}`)).out).toContain("is not granted");
    expect(await run("read", path.join(secret, "key.txt"), "--allow-read")).toEqual({ code: 0, out: "\"SECRET\"" });
    expect(await run("write", path.join(granted, "cli.txt"), "via cli", `--allow-write=${granted}`)).toEqual({ code: 0, out: "7" });
    expect((await run("get", `${allowedOrigin}/ok`)).out).toContain(`network access to ${allowedOrigin} is not granted`);
    expect(await run("get", `${allowedOrigin}/ok`, `--allow-net=${allowedOrigin}`)).toEqual({ code: 0, out: "\"200 served /ok\"" });
    expect((await run("get", `${otherOrigin}/ok`, `--allow-net=${allowedOrigin}`)).out).toContain("is not granted");
    expect(await run("get", `${otherOrigin}/ok`, "--allow-net")).toEqual({ code: 0, out: "\"200 served /ok\"" });
  }, 120_000);
});
