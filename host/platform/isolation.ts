// Shared WebAssembly memory in a browser needs a cross-origin isolated page, which takes two response headers.
// When the page is not isolated, say which of the two is missing (or wrong), by asking the server for the page's
// headers again; a Runtime that cannot share its memory would otherwise fail later with a vague DataCloneError.

export const REQUIRED_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
} as const;

/** The page (or worker) cannot share memory between workers. */
export class CrossOriginIsolationError extends Error {
  override name = "CrossOriginIsolationError";
  constructor(
    message: string,
    /** The headers the page's response lacks, as `Name: value` lines to add; empty if they could not be read. */
    readonly missingHeaders: string[],
  ) {
    super(message);
  }
}

interface IsolationGlobals {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  location?: { href: string };
}

export async function checkCrossOriginIsolation(): Promise<void> {
  const g = globalThis as IsolationGlobals;
  if (g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === "function") return;
  const found = g.location ? await readIsolationHeaders(g.location.href) : null;
  const missing = found ? wrongHeaders(found) : [];
  const both = Object.entries(REQUIRED_HEADERS).map(([k, v]) => `${k}: ${v}`);
  let detail: string;
  if (found === null) {
    detail = `the page's headers could not be read again; it must be served with both ${both.join(" and ")}`;
  } else if (missing.length > 0) {
    const got = (name: string) => (found[name.toLowerCase()] === null ? "absent" : `got "${found[name.toLowerCase()]}"`);
    detail = `its response is missing ${missing.map((h) => `${h} (${got(h.split(":")[0])})`).join(" and ")}`;
  } else {
    // Both headers are there now, yet the page is not isolated: typically a cross-origin frame or an old cached page.
    detail =
      `the server sends ${both.join(" and ")} now, yet this document is not isolated ` +
      `(reload it; a page inside a cross-origin iframe also needs allow="cross-origin-isolated")`;
  }
  throw new CrossOriginIsolationError(
    `vthreads needs a cross-origin isolated page to share WebAssembly memory between Web Workers ` +
      `(crossOriginIsolated is ${String(g.crossOriginIsolated ?? false)}, SharedArrayBuffer is ` +
      `${typeof g.SharedArrayBuffer === "function" ? "defined" : "missing"}): ${detail}. ` +
      `Serve the page with the headers ${both.join(" and ")} (COEP may also be "credentialless").`,
    found === null ? both : missing,
  );
}

/** The two headers' values on a fresh request for the page (null: absent), or null if the request failed. */
async function readIsolationHeaders(href: string): Promise<Record<string, string | null> | null> {
  try {
    const response = await fetch(href, { method: "HEAD", cache: "no-store", credentials: "same-origin" });
    const out: Record<string, string | null> = {};
    for (const name of Object.keys(REQUIRED_HEADERS)) out[name.toLowerCase()] = response.headers.get(name);
    return out;
  } catch {
    return null;
  }
}

/** `Name: value` of each required header that is absent or has a value that does not isolate. */
function wrongHeaders(found: Record<string, string | null>): string[] {
  const ok: Record<string, RegExp> = {
    "cross-origin-opener-policy": /^\s*same-origin\s*(;|$)/i,
    "cross-origin-embedder-policy": /^\s*(require-corp|credentialless)\s*(;|$)/i,
  };
  return Object.entries(REQUIRED_HEADERS)
    .filter(([name]) => !ok[name.toLowerCase()].test(found[name.toLowerCase()] ?? ""))
    .map(([name, value]) => `${name}: ${value}`);
}
