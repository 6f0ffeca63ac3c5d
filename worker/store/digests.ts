// The daily digest (issue 14): which models ask for one, the day's claim (in the directory),
// and what a digest reports from the site's shard.
import type { AlertRow, ConversionRow, DigestClaimRow, LeadScoreRow, LeadTableRow, ModelTableRow } from "./rows";

/** Models of this shard whose document has a digest (its JSON, as stored). */
export const digestModels = (db: D1Database) =>
  db
    .prepare("SELECT site_id, name, json_extract(document, '$.digest') AS digest FROM models WHERE json_extract(document, '$.digest') IS NOT NULL")
    .all<Pick<ModelTableRow, "site_id" | "name"> & { digest: string }>();

/**
 * Claims the digest of (site, model, day): one conditional upsert. The first run inserts the row,
 * a later one takes it over only when it was never sent, its lease has expired and it has tries
 * left; D1 runs statements one at a time, so of two concurrent runs only one gets a row back.
 */
export const claimDigest = (db: D1Database, siteId: string, model: string, day: string, now: number, leaseUntil: number, maxAttempts: number) =>
  db
    .prepare(
      `INSERT INTO digest_claims (site_id, model, day, claimed_until, attempts) VALUES (?1, ?2, ?3, ?5, 1)
       ON CONFLICT (site_id, model, day) DO UPDATE SET claimed_until = ?5, attempts = attempts + 1
         WHERE digest_claims.sent_at IS NULL AND digest_claims.claimed_until <= ?4 AND digest_claims.attempts < ?6
       RETURNING claimed_until`,
    )
    .bind(siteId, model, day, now, leaseUntil, maxAttempts)
    .first<Pick<DigestClaimRow, "claimed_until">>();

export const markDigestSent = (db: D1Database, siteId: string, model: string, day: string, lease: number, at: number) =>
  db
    .prepare("UPDATE digest_claims SET sent_at = ?5, claimed_until = NULL, last_error = NULL WHERE site_id = ?1 AND model = ?2 AND day = ?3 AND claimed_until = ?4")
    .bind(siteId, model, day, lease, at);

/** Gives the claim back for a later run (`retryAt`), keeping the reason. */
export const markDigestFailed = (db: D1Database, siteId: string, model: string, day: string, lease: number, error: string, retryAt: number) =>
  db
    .prepare("UPDATE digest_claims SET claimed_until = ?6, last_error = ?5 WHERE site_id = ?1 AND model = ?2 AND day = ?3 AND claimed_until = ?4")
    .bind(siteId, model, day, lease, error, retryAt);

export const digestClaim = (db: D1Database, siteId: string, model: string, day: string) =>
  db.prepare("SELECT * FROM digest_claims WHERE site_id = ?1 AND model = ?2 AND day = ?3").bind(siteId, model, day).first<DigestClaimRow>();

type Who = Pick<LeadTableRow, "email" | "name" | "phone">;

/** The window's alerts of the model (the leads that crossed a trigger: new hot leads). */
export const digestAlerts = (db: D1Database, siteId: string, model: string, from: number, to: number, limit: number) =>
  db
    .prepare(
      `SELECT a.lead_id, a.trigger_id, a.created_at, json_extract(a.payload, '$.lead.score') AS score,
         coalesce(l.email, json_extract(a.payload, '$.lead.email')) AS email, coalesce(l.name, json_extract(a.payload, '$.lead.name')) AS name,
         coalesce(l.phone, json_extract(a.payload, '$.lead.phone')) AS phone
       FROM alerts a LEFT JOIN leads l ON l.id = a.lead_id
       WHERE a.site_id = ?1 AND a.model = ?2 AND a.created_at >= ?3 AND a.created_at < ?4 ORDER BY a.created_at LIMIT ?5`,
    )
    .bind(siteId, model, from, to, limit)
    .all<Pick<AlertRow, "lead_id" | "trigger_id" | "created_at"> & Who & { score: number | null }>();

export const digestConversions = (db: D1Database, siteId: string, from: number, to: number, limit: number) =>
  db
    .prepare(
      `SELECT c.lead_id, c.value, c.ts, l.email, l.name, l.phone FROM conversions c LEFT JOIN leads l ON l.id = c.lead_id
       WHERE c.site_id = ?1 AND c.ts >= ?2 AND c.ts < ?3 ORDER BY c.ts LIMIT ?4`,
    )
    .bind(siteId, from, to, limit)
    .all<Pick<ConversionRow, "lead_id" | "value" | "ts"> & Who>();

/** Leads rescored in the window with the most interest (behaviour points) now: the movers. */
export const digestMovers = (db: D1Database, siteId: string, model: string, from: number, to: number, limit: number) =>
  db
    .prepare(
      `SELECT s.lead_id, s.score, s.interest, s.tier, l.email, l.name, l.phone FROM lead_scores s JOIN leads l ON l.id = s.lead_id
       WHERE s.site_id = ?1 AND s.model = ?2 AND s.scored_at >= ?3 AND s.scored_at < ?4 AND s.tier != 'disqualified'
       ORDER BY s.interest DESC, s.score DESC LIMIT ?5`,
    )
    .bind(siteId, model, from, to, limit)
    .all<Pick<LeadScoreRow, "lead_id" | "score" | "interest" | "tier"> & Who>();
