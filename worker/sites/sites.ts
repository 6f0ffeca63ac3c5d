// Sites and their keys. A public key (`pk_…`) identifies a site to the snippet; the
// secret key (`sk_<siteId>_<random>`) is shown once and stored only as a SHA-256 hash;
// the webhook secret signs alert webhooks and so must be kept in clear.
import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { sites } from "../../db/schema";
import { randomToken, safeEqual, sha256Hex } from "../lib/crypto";

export type Site = typeof sites.$inferSelect;

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
}

export async function createSite(db: DrizzleD1Database, input: NewSiteInput, now: number): Promise<CreatedSite> {
  const id = "site_" + randomToken(9);
  const created: CreatedSite = {
    id,
    publicKey: "pk_" + randomToken(16),
    secretKey: `sk_${id}_${randomToken(32)}`,
    webhookSecret: "whsec_" + randomToken(32),
  };
  await db.insert(sites).values({
    id,
    name: input.name,
    publicKey: created.publicKey,
    secretHash: await sha256Hex(created.secretKey),
    webhookSecret: created.webhookSecret,
    origins: input.origins.map(normalizeOrigin),
    ...(input.rateVisitorPerMin ? { rateVisitorPerMin: input.rateVisitorPerMin } : {}),
    ...(input.rateSitePerMin ? { rateSitePerMin: input.rateSitePerMin } : {}),
    createdAt: now,
  });
  return created;
}

// Sites change rarely and are read on every collect: a short per-isolate cache
// saves a D1 round trip on the hot path. A new site is visible at once (misses
// are not cached); a changed allowlist is picked up within the TTL.
const CACHE_TTL_MS = 30_000;
const byPublicKey = new Map<string, { site: Site; until: number }>();

export async function siteByPublicKey(db: DrizzleD1Database, key: string, now: number): Promise<Site | null> {
  const hit = byPublicKey.get(key);
  if (hit && hit.until > now) return hit.site;
  const site = (await db.select().from(sites).where(eq(sites.publicKey, key)).limit(1))[0] ?? null;
  if (site) {
    if (byPublicKey.size > 1000) byPublicKey.clear();
    byPublicKey.set(key, { site, until: now + CACHE_TTL_MS });
  }
  return site;
}

/** Resolves a secret key to its site; the hash comparison is constant-time. */
export async function siteBySecretKey(db: DrizzleD1Database, key: string): Promise<Site | null> {
  const m = /^sk_(site_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{20,}$/.exec(key);
  if (!m) return null;
  const site = (await db.select().from(sites).where(eq(sites.id, m[1]!)).limit(1))[0];
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
