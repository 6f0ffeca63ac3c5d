// Which product links and images may be stored and served. Recommendations put a product's
// url and image into every visitor's page, so a beacon (whose content is whatever the client
// says) must not be able to point them at a phishing page or a `javascript:` URL.

/** Who may be linked from a beacon's product data: the site's origins and its catalog hosts. */
export interface CatalogPolicy {
  /** The site's allowed origins (`https://shop.example`, `https://*.shop.example`). */
  origins: string[];
  /** Extra hosts (a CDN for images): `cdn.example`, or `*.cdn.example` for its subdomains. */
  catalogHosts: string[];
}

export const MAX_URL_LENGTH = 2048;

/** The URL when `raw` is an absolute http(s) URL, else null. */
export function httpUrl(raw: unknown): URL | null {
  if (typeof raw !== "string" || raw === "" || raw.length > MAX_URL_LENGTH) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  return u.protocol === "https:" || u.protocol === "http:" ? u : null;
}

export const isHttpUrl = (raw: unknown): boolean => httpUrl(raw) !== null;

/** The host part of an origin or host entry, without scheme and port, lower-cased. */
function hostOf(entry: string): string {
  let h = entry.trim().toLowerCase();
  const scheme = h.indexOf("://");
  if (scheme >= 0) h = h.slice(scheme + 3);
  const slash = h.indexOf("/");
  if (slash >= 0) h = h.slice(0, slash);
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1); // IPv6, as URL.hostname has it
  const colon = h.indexOf(":");
  return colon >= 0 ? h.slice(0, colon) : h;
}

/**
 * A test of host names against the policy. Hosts compare without ports: whoever serves
 * shop.example on one port serves it on all, and a dev site on localhost:8787 may show
 * images from localhost:3000.
 */
export function hostRule(policy: CatalogPolicy): (hostname: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of [...policy.origins, ...policy.catalogHosts]) {
    const h = hostOf(entry);
    if (h.startsWith("*.")) suffixes.push(h.slice(1)); // ".shop.example": subdomains only
    else if (h) exact.add(h);
  }
  return (hostname) => exact.has(hostname) || suffixes.some((s) => hostname.length > s.length && hostname.endsWith(s));
}

/**
 * A product url or image from a beacon, kept only when it is http(s) on one of the site's
 * hosts; relative ones are resolved against the page the product was viewed on. Null
 * otherwise: a dropped link is a smaller loss than a visitor sent elsewhere.
 */
export function siteUrl(raw: string | null, page: string | null, allowed: (hostname: string) => boolean): string | null {
  if (raw === null || raw === "") return null;
  let u: URL;
  try {
    u = new URL(raw, httpUrl(page) ?? undefined);
  } catch {
    return null;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return null;
  if (u.username !== "" || u.password !== "") return null;
  if (!allowed(u.hostname)) return null;
  return u.href.length > MAX_URL_LENGTH ? null : u.href;
}
