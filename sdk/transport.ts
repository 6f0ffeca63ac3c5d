// Transport helpers. Batches leave with fetch(keepalive) and a plain string body
// (text/plain: no CORS preflight) while the page is visible, so the response's
// hints are read and a failure (network error, 5xx, 429) is noticed and the batch
// kept for the next page; on page hide they leave with sendBeacon, the request
// that reliably survives unload (kept only when the browser refuses it).
// Event ids make every resend idempotent on the server.

export interface Ev {
  id: string;
  type: string;
  ts: number;
  url: string;
  ref: string;
  title: string;
  name?: string;
  props?: unknown;
  /** identify only: HMAC-SHA256 of the email under the site's identity secret (hex), from the page's server. */
  signature?: string;
}

/** Adds a failed body to the retry list: ≤ 10 batches and ≤ 32,000 chars, oldest dropped. */
export const addRetry = (l: string[], b: string): string[] => {
  l = l.concat(b);
  while (l.length > 10 || l.join().length > 32000) l.shift();
  return l;
};

/** Worth a retry: 429 and 5xx (and network errors); a 4xx refuses the body itself. */
export const retryable = (s: number): boolean => s == 429 || s > 499;
