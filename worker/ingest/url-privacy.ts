// URL privacy: a page URL may carry secrets in its query string (a GET form's
// `?pw=…`, reset tokens, magic links, `?email=`). Stored URLs and referrers keep
// only the parameters attribution needs — utm_*, gclid, fbclid, msclkid, ref —
// plus those the site lists (sites.keep_params, the snippet's data-keep-params).
// The snippet applies the same rule before sending; the worker applies it again
// to every URL from any source, so an old or hand-rolled client cannot store more.
// A fragment is kept only when it is an SPA route (`#/…`, `#!…`), and then its own
// query part is filtered the same way. Credentials (`user:pass@`) are dropped.

const ALWAYS = new Set(["gclid", "fbclid", "msclkid", "ref"]);

export function keepParam(name: string, extra: readonly string[]): boolean {
  const n = name.toLowerCase();
  return n.startsWith("utm_") || ALWAYS.has(n) || extra.includes(name);
}

function filterQuery(query: string, extra: readonly string[]): string {
  const kept = query
    .split("&")
    .filter((pair) => {
      const eq = pair.indexOf("=");
      const raw = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, " "));
      } catch {
        return false;
      }
      return raw !== "" && keepParam(name, extra);
    })
    .join("&");
  return kept ? "?" + kept : "";
}

/**
 * The URL with only allowed query parameters and route-like fragments. Works on
 * the text (no re-serialisation: kept parts stay byte for byte as sent).
 */
export function scrubUrl(url: string, extra: readonly string[] = []): string {
  const hash = url.indexOf("#");
  let fragment = hash < 0 ? "" : url.slice(hash);
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf("?");
  const base = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const query = q < 0 ? "" : filterQuery(beforeHash.slice(q + 1), extra);
  if (fragment) {
    if (!/^#!?\//.test(fragment) && !fragment.startsWith("#!")) fragment = "";
    else {
      const fq = fragment.indexOf("?");
      if (fq >= 0) fragment = fragment.slice(0, fq) + filterQuery(fragment.slice(fq + 1), extra);
    }
  }
  // Credentials in the authority (`https://user:pass@host/`) never belong in storage.
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1") + query + fragment;
}

export const scrubOptional = (url: string | null | undefined, extra: readonly string[]): string | null =>
  url ? scrubUrl(url, extra) : null;
