// Small shared helpers, pure (or reading only the clock / the random source),
// so the unit tests can call them directly.

/** JSON, once: the minifier cannot shorten global names. */
export const J = JSON;

/**
 * A client id for visitors, sessions and events: the time in base 36 (8 chars;
 * the worker reads it to skip a read for a new visitor's first beacon) and 16
 * bytes from the CSPRNG as 32 hex chars. The visitor id is the only credential a
 * browser holds for its hints: 128 random bits make it unguessable.
 */
export const uid = (): string =>
  Date.now().toString(36) + [...crypto.getRandomValues(new Uint8Array(16))].map((b) => (b | 256).toString(16).slice(1)).join("");

/** Returns `f(x)`, or undefined when it throws: user callbacks, storage, DOM quirks never reach the page. */
export const call = <T, R>(f: (x: T) => R, x?: T | null): R | undefined => {
  try {
    return f(x as T);
  } catch {}
};

/**
 * JSON.stringify replacer cutting every string to 1,000 characters, the API's
 * limit for prop values (url and ref allow more; the core cuts titles to 500).
 */
export const limit = (_k: string, v: unknown): unknown => (typeof v == "string" ? v.slice(0, 1000) : v);

/**
 * Snapshots props when the event is recorded: a JSON copy (functions and
 * undefined dropped, dates as strings; a cycle throws and drops the event) with
 * strings cut by `limit`. Non-objects give no props. The API takes one level of
 * nesting (objects of primitives, arrays of primitives or flat objects).
 */
export const cut = (p: unknown): unknown => (p && typeof p == "object" ? J.parse(J.stringify(p, limit)) : undefined);

/** Adds the `utm_*` parameters of a query string to `o` (session_start props). */
export const utm = (search: string, o: Record<string, string>): Record<string, string> => {
  new URLSearchParams(search).forEach((v, k) => {
    if (/^utm_/.test(k)) o[k] = v;
  });
  return o;
};
