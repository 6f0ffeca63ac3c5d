// Sites and their keys. A public key (`pk_…`) identifies a site to the snippet; the
// secret key (`sk_<siteId>_<random>`) is shown once and stored only as a SHA-256 hash;
// the webhook secret signs alert webhooks and so must be kept in clear.
import type { sites } from "../../db/schema";
import { randomToken, safeEqual, sha256Hex } from "../lib/crypto";

// The schema (db/schema.ts, drizzle) is the source of the row types; queries
// are plain D1 statements: drizzle-orm's query builder would add ~18 KB gzip to
// the Worker (cold starts) for a handful of queries.
export type Site = typeof sites.$inferSelect;

const SITE_COLS =
  "id, name, public_key, secret_hash, webhook_secret, webhook_secret_prev, webhook_secret_prev_until, identity_secret, origins, catalog_hosts, keep_params, rate_visitor_per_min, rate_site_per_min, created_at";
interface SiteRow {
  id: string;
  name: string;
  public_key: string;
  secret_hash: string;
  webhook_secret: string;
  webhook_secret_prev: string | null;
  webhook_secret_prev_until: number | null;
  identity_secret: string | null;
  origins: string;
  catalog_hosts: string;
  keep_params: string;
  rate_visitor_per_min: number;
  rate_site_per_min: number;
  created_at: number;
}

function toSite(r: SiteRow | null): Site | null {
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    publicKey: r.public_key,
    secretHash: r.secret_hash,
    webhookSecret: r.webhook_secret,
    webhookSecretPrev: r.webhook_secret_prev,
    webhookSecretPrevUntil: r.webhook_secret_prev_until,
    identitySecret: r.identity_secret,
    origins: JSON.parse(r.origins) as string[],
    catalogHosts: JSON.parse(r.catalog_hosts) as string[],
    keepParams: JSON.parse(r.keep_params) as string[],
    rateVisitorPerMin: r.rate_visitor_per_min,
    rateSitePerMin: r.rate_site_per_min,
    createdAt: r.created_at,
  };
}

export interface NewSiteInput {
  name: string;
  origins: string[];
  rateVisitorPerMin?: number | undefined;
  rateSitePerMin?: number | undefined;
}

export interface CreatedSite {
  id: string;
  publicKey: string;
  secretKey: string;
  webhookSecret: string;
  identitySecret: string;
}

export async function createSite(db: D1Database, input: NewSiteInput, now: number): Promise<CreatedSite> {
  const id = "site_" + randomToken(9);
  const created: CreatedSite = {
    id,
    publicKey: "pk_" + randomToken(16),
    secretKey: `sk_${id}_${randomToken(32)}`,
    webhookSecret: "whsec_" + randomToken(32),
    identitySecret: "idsec_" + randomToken(32),
  };
  await db
    .prepare(
      `INSERT INTO sites (id, name, public_key, secret_hash, webhook_secret, origins, rate_visitor_per_min, rate_site_per_min, created_at, identity_secret)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
    )
    .bind(
      id,
      input.name,
      created.publicKey,
      await sha256Hex(created.secretKey),
      created.webhookSecret,
      JSON.stringify(input.origins.map(normalizeOrigin)),
      input.rateVisitorPerMin ?? 120,
      input.rateSitePerMin ?? 60000,
      now,
      created.identitySecret,
    )
    .run();
  return created;
}

// Sites change rarely and are read on every collect: a short per-isolate cache
// saves a D1 round trip on the hot path. A new site is visible at once (misses
// are not cached); a changed allowlist is picked up within the TTL.
const CACHE_TTL_MS = 30_000;
const byPublicKey = new Map<string, { site: Site; until: number }>();

export async function siteByPublicKey(db: D1Database, key: string, now: number): Promise<Site | null> {
  const hit = byPublicKey.get(key);
  if (hit && hit.until > now) return hit.site;
  const site = toSite(await db.prepare(`SELECT ${SITE_COLS} FROM sites WHERE public_key = ?1`).bind(key).first<SiteRow>());
  if (site) {
    if (byPublicKey.size > 1000) byPublicKey.clear();
    byPublicKey.set(key, { site, until: now + CACHE_TTL_MS });
  }
  return site;
}

/** Resolves a secret key to its site; the hash comparison is constant-time. */
export async function siteBySecretKey(db: D1Database, key: string): Promise<Site | null> {
  const m = /^sk_(site_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{20,}$/.exec(key);
  if (!m) return null;
  const site = toSite(await db.prepare(`SELECT ${SITE_COLS} FROM sites WHERE id = ?1`).bind(m[1]!).first<SiteRow>());
  if (!site) return null;
  return safeEqual(await sha256Hex(key), site.secretHash) ? site : null;
}

export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, "").toLowerCase();
}

/** Exact origins, or `https://*.example.com` for any subdomain. */
export function originAllowed(site: Pick<Site, "origins">, origin: string | null | undefined): boolean {
  if (!origin) return false;
  const o = normalizeOrigin(origin);
  return site.origins.some((allowed) => {
    if (allowed === o) return true;
    const star = allowed.indexOf("://*.");
    if (star < 0) return false;
    const scheme = allowed.slice(0, star + 3);
    const suffix = allowed.slice(star + 4); // ".example.com"
    return o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length;
  });
}
