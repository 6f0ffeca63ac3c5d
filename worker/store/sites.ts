// The directory's own tables (the first database): sites and their keys,
// dashboard sessions, and the daily salts that key a connecting client.
import type { DailySaltRow, DashboardSessionRow, SiteRow } from "./rows";

const SITE_COL_LIST = [
  "id", "name", "public_key", "secret_hash", "webhook_secret", "webhook_secret_prev", "webhook_secret_prev_until", "identity_secret",
  "origins", "catalog_hosts", "keep_params", "rate_visitor_per_min", "rate_site_per_min", "created_at", "shard", "move_to",
  "move_state", "move_cursor", "retention_days", "retention_cursor", "retention_done_at", "conversion_events",
] as const satisfies readonly (keyof SiteRow)[];
// A column added to `sites` in db/schema.ts fails the typecheck here until it is read.
type Unread = Exclude<keyof SiteRow, (typeof SITE_COL_LIST)[number]>;
const everyColumnRead: [Unread] extends [never] ? true : Unread = true;

const SITE_COLS = SITE_COL_LIST.join(", ");

/** The site columns qualified by a table alias, for a query that joins sites (read back as a SiteRow). */
export const siteColumns = (alias: string) => SITE_COL_LIST.map((c) => `${alias}.${c}`).join(", ");

/** The UTC day number of a time: salts, promo grants and their caps are kept per day. */
export const dayOf = (now: number) => Math.floor(now / 86_400_000);

// ---- sites ----

export type NewSiteRow = Pick<
  SiteRow,
  | "id" | "name" | "public_key" | "secret_hash" | "webhook_secret" | "origins" | "rate_visitor_per_min" | "rate_site_per_min"
  | "created_at" | "identity_secret" | "catalog_hosts" | "keep_params" | "shard" | "retention_days"
>;

export const insertSite = (db: D1Database, s: NewSiteRow) =>
  db
    .prepare(
      `INSERT INTO sites (id, name, public_key, secret_hash, webhook_secret, origins, rate_visitor_per_min, rate_site_per_min, created_at, identity_secret, catalog_hosts, keep_params, shard, retention_days)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)`,
    )
    .bind(
      s.id, s.name, s.public_key, s.secret_hash, s.webhook_secret, s.origins, s.rate_visitor_per_min, s.rate_site_per_min,
      s.created_at, s.identity_secret, s.catalog_hosts, s.keep_params, s.shard, s.retention_days,
    );

/** The settings an owner may change (PATCH /v1/admin/sites/:id); a null keeps the stored value. */
export type SiteSettingsRow = Pick<
  SiteRow,
  "name" | "origins" | "rate_visitor_per_min" | "rate_site_per_min" | "catalog_hosts" | "keep_params" | "retention_days" | "conversion_events"
>;

export const updateSiteSettings = (db: D1Database, siteId: string, s: { [K in keyof SiteSettingsRow]: SiteSettingsRow[K] | null }) =>
  db
    .prepare(
      `UPDATE sites SET name = coalesce(?2, name), origins = coalesce(?3, origins), rate_visitor_per_min = coalesce(?4, rate_visitor_per_min),
       rate_site_per_min = coalesce(?5, rate_site_per_min), catalog_hosts = coalesce(?6, catalog_hosts), keep_params = coalesce(?7, keep_params),
       retention_days = coalesce(?8, retention_days), conversion_events = coalesce(?9, conversion_events)
       WHERE id = ?1 RETURNING ${SITE_COLS}`,
    )
    .bind(siteId, s.name, s.origins, s.rate_visitor_per_min, s.rate_site_per_min, s.catalog_hosts, s.keep_params, s.retention_days, s.conversion_events);

export const siteRowByPublicKey = (db: D1Database, publicKey: string) =>
  db.prepare(`SELECT ${SITE_COLS} FROM sites WHERE public_key = ?1`).bind(publicKey).first<SiteRow>();

export const siteRowById = (db: D1Database, siteId: string) => db.prepare(`SELECT ${SITE_COLS} FROM sites WHERE id = ?1`).bind(siteId).first<SiteRow>();

export const setSecretHash = (db: D1Database, siteId: string, secretHash: string) =>
  db.prepare("UPDATE sites SET secret_hash = ?2 WHERE id = ?1").bind(siteId, secretHash);

/**
 * SQLite evaluates every SET expression against the row as it was, so `prev`
 * gets the then-current secret even when an earlier grace is still running.
 */
export const rotateWebhookSecret = (db: D1Database, siteId: string, webhookSecret: string, previousValidUntil: number) =>
  db
    .prepare("UPDATE sites SET webhook_secret_prev = webhook_secret, webhook_secret_prev_until = ?3, webhook_secret = ?2 WHERE id = ?1")
    .bind(siteId, webhookSecret, previousValidUntil);

export const setIdentitySecret = (db: D1Database, siteId: string, identitySecret: string) =>
  db.prepare("UPDATE sites SET identity_secret = ?2 WHERE id = ?1").bind(siteId, identitySecret);

export const identitySecretOf = (db: D1Database, siteId: string) =>
  db.prepare("SELECT identity_secret FROM sites WHERE id = ?1").bind(siteId).first<Pick<SiteRow, "identity_secret">>();

/** The secrets that sign a site's webhooks (the previous one while its grace runs). */
export interface WebhookSecrets {
  secret: SiteRow["webhook_secret"];
  secret_prev: SiteRow["webhook_secret_prev"];
  secret_prev_until: SiteRow["webhook_secret_prev_until"];
}

export const webhookSecretsOf = (db: D1Database, siteId: string) =>
  db
    .prepare("SELECT webhook_secret AS secret, webhook_secret_prev AS secret_prev, webhook_secret_prev_until AS secret_prev_until FROM sites WHERE id = ?1")
    .bind(siteId)
    .first<WebhookSecrets>();

/**
 * The allowlists of the sites that list `origin` exactly or hold a wildcard
 * (the caller matches wildcards), only the site with `publicKey` when given.
 */
export async function originListsFor(db: D1Database, origin: string, publicKey: string | null): Promise<Pick<SiteRow, "origins">[]> {
  const rows = await db
    .prepare(
      `SELECT origins FROM sites WHERE (?2 IS NULL OR public_key = ?2)
       AND EXISTS (SELECT 1 FROM json_each(sites.origins) x WHERE x.value = ?1 OR instr(x.value, '*') > 0) LIMIT 50`,
    )
    .bind(origin, publicKey)
    .all<Pick<SiteRow, "origins">>();
  return rows.results;
}

// ---- dashboard sessions ----

export const insertSession = (db: D1Database, s: DashboardSessionRow) =>
  db
    .prepare("INSERT INTO dashboard_sessions (id_hash, site_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
    .bind(s.id_hash, s.site_id, s.csrf, s.created_at, s.expires_at);

/** A session with its site's columns, under names that cannot collide with the site's. */
export type SessionSiteRow = SiteRow & { session_csrf: DashboardSessionRow["csrf"]; session_expires: DashboardSessionRow["expires_at"] };

export const sessionWithSite = (db: D1Database, idHash: string) =>
  db
    .prepare(
      `SELECT ds.csrf AS session_csrf, ds.expires_at AS session_expires, ${siteColumns("st")}
       FROM dashboard_sessions ds JOIN sites st ON st.id = ds.site_id WHERE ds.id_hash = ?1`,
    )
    .bind(idHash)
    .first<SessionSiteRow>();

export const deleteSession = (db: D1Database, idHash: string) => db.prepare("DELETE FROM dashboard_sessions WHERE id_hash = ?1").bind(idHash);

export const deleteSiteSessions = (db: D1Database, siteId: string) => db.prepare("DELETE FROM dashboard_sessions WHERE site_id = ?1").bind(siteId);

export const deleteExpiredSiteSessions = (db: D1Database, siteId: string, now: number) =>
  db.prepare("DELETE FROM dashboard_sessions WHERE site_id = ?1 AND expires_at <= ?2").bind(siteId, now);

export const deleteExpiredSessions = (db: D1Database, now: number) => db.prepare("DELETE FROM dashboard_sessions WHERE expires_at <= ?1").bind(now);

// ---- daily salts ----

/** Of concurrent creators of a day's salt, the first wins (the others' inserts are ignored). */
export const insertSalt = (db: D1Database, s: DailySaltRow) => db.prepare("INSERT OR IGNORE INTO daily_salts (day, salt) VALUES (?1, ?2)").bind(s.day, s.salt);

export const saltOf = (db: D1Database, day: number) => db.prepare("SELECT salt FROM daily_salts WHERE day = ?1").bind(day);

export const deleteSaltsBefore = (db: D1Database, day: number) => db.prepare("DELETE FROM daily_salts WHERE day < ?1").bind(day);

/** A site's name (the vendor of an ADF alert email, the digest's subject). */
export const siteNameOf = (db: D1Database, siteId: string) =>
  db.prepare("SELECT name FROM sites WHERE id = ?1").bind(siteId).first<Pick<SiteRow, "name">>();
