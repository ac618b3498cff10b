// What a guest may reach through the built-in host functions: files to read, files to write, network origins.
// Deny by default, like Deno: a runtime often runs code that came from elsewhere (a plugin, a tenant's job), and a
// guest could otherwise read or write anything the host process can and reach any address, the host's own
// loopback services and cloud metadata endpoints included. The checks run in the worker, where the call is made
// (host/workers/builtins.ts for the network, host/workers/node-files.ts for files); the user's own host functions
// (`hostModule`) are host code and are not restricted.

/** `RuntimeOptions.allow`: `true` grants everything of a kind; a list grants only what it names. */
export interface AllowOptions {
  /** Files and directories (with everything below them) the guest may read. Relative paths: from the current directory. */
  read?: true | readonly string[];
  /** Files and directories (with everything below them) the guest may write or create. */
  write?: true | readonly string[];
  /** Origins the guest may fetch from (`"https://api.example.com"`, `"http://127.0.0.1:8080"`): scheme, host, port. */
  net?: true | readonly string[];
}

/** The grants as the workers get them: lists of roots and of origins (`true`: all). */
export interface Grants {
  read: true | string[];
  write: true | string[];
  net: true | string[];
}

export const NO_GRANTS: Grants = { read: [], write: [], net: [] };

const KINDS = ["read", "write", "net"] as const;

/** Checks `RuntimeOptions.allow` and turns each network grant into its origin. Throws a TypeError naming the problem. */
export function normalizeGrants(allow: unknown): Grants {
  if (allow === undefined) return NO_GRANTS;
  if (allow === null || typeof allow !== "object" || Array.isArray(allow)) {
    throw new TypeError(`Runtime.start: allow must be an object like { read: [...], write: [...], net: [...] }, got ${String(allow)}`);
  }
  for (const key of Object.keys(allow)) {
    if (!(KINDS as readonly string[]).includes(key)) throw new TypeError(`Runtime.start: allow.${key} is not a grant (grants: read, write, net)`);
  }
  const grants: Grants = { read: [], write: [], net: [] };
  for (const kind of KINDS) {
    const value = (allow as Record<string, unknown>)[kind];
    if (value === undefined) continue;
    if (value === true) {
      grants[kind] = true;
      continue;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "" || v.includes("\0"))) {
      throw new TypeError(`Runtime.start: allow.${kind} must be true or an array of non-empty strings, got ${JSON.stringify(value)}`);
    }
    grants[kind] = kind === "net" ? value.map(grantedOrigin) : [...(value as string[])];
  }
  return grants;
}

/** The origin a network grant names. A path, query or credentials would suggest a narrower grant than an origin. */
function grantedOrigin(entry: string): string {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new TypeError(`Runtime.start: allow.net: "${entry}" is not an origin; write it as scheme://host[:port], e.g. "https://example.com"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Runtime.start: allow.net: "${entry}" is not an http(s) origin`);
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username || url.password) {
    throw new TypeError(`Runtime.start: allow.net: "${entry}" has more than an origin; grants are per origin (scheme://host[:port]): "${url.origin}"`);
  }
  return url.origin;
}

/** How to grant `what` of `kind`, for the message of a denied call. */
export function howToGrant(kind: "read" | "write" | "net", what: string): string {
  return `grant it with Runtime.start(..., { allow: { ${kind}: ["${what}"] } }) or vthreads run --allow-${kind}=${what}`;
}

/** Throws when `url` is not in an origin the grants name (fetch, and every redirect it follows). */
export function checkNet(grants: Grants, url: string, method: string): void {
  if (grants.net === true) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return; // not a URL: fetch itself fails with its own message
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`fetch ${method} ${url} denied: only http(s) origins can be granted (allow.net: true grants everything)`);
  }
  if (grants.net.includes(parsed.origin)) return;
  throw new Error(`fetch ${method} ${url} denied: network access to ${parsed.origin} is not granted (${howToGrant("net", parsed.origin)})`);
}
