// What of a URL the snippet may send (event url, ref, session_start referrer).
// A page URL is whatever the site, a GET form or an email link put there:
// passwords, reset tokens, magic links, `?email=`. So only parameters known to
// be harmless leave the page. The rule (the worker applies the same one,
// worker/ingest/url-privacy.ts):
// - query: a parameter is kept when its name starts with `utm_` or is `gclid`,
//   `fbclid`, `msclkid` or `ref` (any letter case), or is one of the site's
//   keep-params (exact names); the rest are dropped. Names are compared as
//   written (not percent-decoded: an encoded name is dropped). Kept parameters
//   stay byte for byte and in order; no `?` when none is left;
// - fragment: kept only when it is a route (`#/…` or `#!…`), its own query
//   filtered by the same rule; any other fragment is dropped with its `#`;
// - user name and password in the authority are dropped (what is sent is
//   origin + path + query + fragment);
// - a string that is not an absolute URL becomes "" (a URL without an origin,
//   e.g. an android-app:// referrer, becomes "null" + its path).
import { call } from "./util";

const KEEP = /^(utm_|(gclid|fbclid|msclkid|ref)$)/i;

/** Only the allowed parameters of the query string `q` (starting with "?"), as written. */
export const query = (q: string, keep: string[]): string =>
  (q = q.replace(/[?&]([^&=]*)[^&]*/g, (m, n) => (KEEP.test(n) || keep.includes(n) ? m : ""))) && "?" + q.slice(1);

/** `u` as the snippet may send it (the rule above). */
export const clean = (u: string, keep: string[]): string =>
  call(() => {
    const x = new URL(u);
    const h = x.hash;
    // (the origin has no user name or password)
    return x.origin + x.pathname + query(x.search, keep) + (/^#[!/]/.test(h) ? h.replace(/\?.*/, (s) => query(s, keep)) : "");
  }) || "";

/** The names in `data-keep-params` (separated by commas and/or spaces). */
export const keepList = (s?: string | null): string[] => (s || "").match(/[^\s,]+/g) || [];
