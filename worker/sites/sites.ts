// Sites and their keys. A public key (`pk_…`) identifies a site to the snippet; the
// secret key (`sk_<siteId>_<random>`) is shown once and stored only as a SHA-256 hash;
// the webhook secret signs alert webhooks and the identity secret checks signed
// identify calls, so both must be kept in clear. Every key but the public one can be
// rotated (rotate* below).
import type { sites } from "../../db/schema";
import { randomToken, safeEqual, sha256Hex } from "../lib/crypto";
import type { SiteRow } from "../store/rows";
import * as store from "../store/sites";

// The schema (db/schema.ts, drizzle) is the source of the row types; queries
// are plain D1 statements (worker/store/sites.ts): drizzle-orm's query builder
// would add ~18 KB gzip to the Worker (cold starts) for a handful of queries.
export type Site = typeof sites.$inferSelect;

export function toSite(r: SiteRow | null): Site | null {
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
    shard: r.shard,
    moveTo: r.move_to,
    moveState: r.move_state,
    moveCursor: r.move_cursor,
    retentionDays: r.retention_days,
    retentionCursor: r.retention_cursor,
    retentionDoneAt: r.retention_done_at,
    rateVisitorPerMin: r.rate_visitor_per_min,
    rateSitePerMin: r.rate_site_per_min,
    createdAt: r.created_at,
    conversionEvents: JSON.parse(r.conversion_events) as Site["conversionEvents"],
  };
}

export interface NewSiteInput {
  name: string;
  origins: string[];
  rateVisitorPerMin?: number | undefined;
  rateSitePerMin?: number | undefined;
  /** Host names product data may point at (lower-cased, validated by the route). */
  catalogHosts?: string[] | undefined;
  /** Query parameters kept in stored URLs beyond the default ones. */
  keepParams?: string[] | undefined;
  /** The shard the site's data will live on (shards/placement.ts picks the least loaded). */
  shard?: number | undefined;
  /** Days raw events are kept (default 400; worker/retention/retention.ts deletes older ones). */
  retentionDays?: number | undefined;
}

export interface CreatedSite {
  id: string;
  publicKey: string;
  secretKey: string;
  webhookSecret: string;
  identitySecret: string;
}

const newSecretKey = (siteId: string) => `sk_${siteId}_${randomToken(32)}`;

export async function createSite(db: D1Database, input: NewSiteInput, now: number): Promise<CreatedSite> {
  const id = "site_" + randomToken(9);
  const created: CreatedSite = {
    id,
    publicKey: "pk_" + randomToken(16),
    secretKey: newSecretKey(id),
    webhookSecret: "whsec_" + randomToken(32),
    identitySecret: "idsec_" + randomToken(32),
  };
  await store
    .insertSite(db, {
      id,
      name: input.name,
      public_key: created.publicKey,
      secret_hash: await sha256Hex(created.secretKey),
      webhook_secret: created.webhookSecret,
      origins: JSON.stringify(input.origins.map(normalizeOrigin)),
      rate_visitor_per_min: input.rateVisitorPerMin ?? 120,
      rate_site_per_min: input.rateSitePerMin ?? 60000,
      created_at: now,
      identity_secret: created.identitySecret,
      catalog_hosts: JSON.stringify(input.catalogHosts ?? []),
      keep_params: JSON.stringify(input.keepParams ?? []),
      shard: input.shard ?? 0,
      retention_days: input.retentionDays ?? 400,
    })
    .run();
  return created;
}

/**
 * A new secret key, shown once: only its hash is stored, so the old key stops
 * opening the API at once, and every dashboard session of the site (signed in
 * with the old key) is deleted in the same transaction.
 */
export async function rotateSecretKey(db: D1Database, siteId: string): Promise<string> {
  const key = newSecretKey(siteId);
  await db.batch([store.setSecretHash(db, siteId, await sha256Hex(key)), store.deleteSiteSessions(db, siteId)]);
  forgetSite(siteId);
  return key;
}

/**
 * A new webhook secret; the current one stays valid as the previous secret until
 * `previousValidUntil` (deliveries sign with both meanwhile), so receivers can
 * switch without dropping alerts. A second rotation during a grace makes the
 * then-current secret the previous one.
 */
export async function rotateWebhookSecret(db: D1Database, siteId: string, graceMs: number, now: number): Promise<{ webhookSecret: string; previousValidUntil: number }> {
  const webhookSecret = "whsec_" + randomToken(32);
  const previousValidUntil = now + graceMs;
  await store.rotateWebhookSecret(db, siteId, webhookSecret, previousValidUntil).run();
  forgetSite(siteId);
  return { webhookSecret, previousValidUntil };
}

/** A new identity secret; the old one stops verifying identify signatures at once. */
export async function rotateIdentitySecret(db: D1Database, siteId: string): Promise<string> {
  const identitySecret = "idsec_" + randomToken(32);
  await store.setIdentitySecret(db, siteId, identitySecret).run();
  forgetSite(siteId);
  return identitySecret;
}

// Sites change rarely and are read on every collect: a short per-isolate cache
// saves a D1 round trip on the hot path. A new site is visible at once (misses
// are not cached); a changed allowlist is picked up within the TTL.
const CACHE_TTL_MS = 30_000;
const byPublicKey = new Map<string, { site: Site; until: number }>();

/**
 * The identity secret as stored now, bypassing the cache: after a rotation the old
 * secret must stop verifying at once in every isolate, not within the cache's TTL.
 * One indexed read, only for a request that carries a signed identify.
 */
export async function currentIdentitySecret(db: D1Database, siteId: string): Promise<string | null> {
  const r = await store.identitySecretOf(db, siteId);
  return r?.identity_secret ?? null;
}

/** Drops a site from this isolate's cache after its keys changed (other isolates follow within the TTL). */
export function forgetSite(siteId: string): void {
  for (const [k, v] of byPublicKey) if (v.site.id === siteId) byPublicKey.delete(k);
}

export async function siteByPublicKey(db: D1Database, key: string, now: number): Promise<Site | null> {
  const hit = byPublicKey.get(key);
  if (hit && hit.until > now) return hit.site;
  const site = toSite(await store.siteRowByPublicKey(db, key));
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
  const site = toSite(await store.siteRowById(db, m[1]!));
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

// The answers of routes/keys.ts, which builds them from a Site and the rotations above.
/** GET /v1/admin/keys: what a site owner may read again (never the secret key or webhook secrets). */
export interface KeysInfo {
  publicKey: Site["publicKey"];
  identitySecret: Site["identitySecret"];
  /** While the previous webhook secret still signs (a rotation's grace), until when. */
  webhookSecretRotatedUntil: number | null;
}
/** POST /v1/admin/keys/rotate, by the key rotated: the new secret, shown once. */
export interface RotatedKey {
  secret: { secretKey: Awaited<ReturnType<typeof rotateSecretKey>> };
  identity: { identitySecret: Awaited<ReturnType<typeof rotateIdentitySecret>> };
  webhook: Awaited<ReturnType<typeof rotateWebhookSecret>>;
}
