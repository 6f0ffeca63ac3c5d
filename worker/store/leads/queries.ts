// Reads and writes of leads, their visitors and sessions outside ingest: the
// admin list and detail, the merge's lookups, conversions' lookups, hints,
// the model preview and rescoring's walk, erasure.
import type { LeadScoreRow, LeadTableRow, SessionRow, VisitorRow } from "../rows";
import { liveEvents, liveLastSeen } from "./live";

// ---- single leads ----

export const leadRow = (db: D1Database, siteId: string, leadId: string) => db.prepare("SELECT * FROM leads WHERE id = ?1 AND site_id = ?2").bind(leadId, siteId);

export type LeadRef = Pick<LeadTableRow, "id" | "email" | "name">;

/** The lead holding the email this one claims, if any (a merge target). */
export const claimHolder = (db: D1Database, siteId: string, leadId: string) =>
  db
    .prepare("SELECT h.id, h.email, h.name FROM leads l JOIN leads h ON h.site_id = l.site_id AND h.email = l.claimed_email WHERE l.id = ?1 AND l.site_id = ?2")
    .bind(leadId, siteId);

export type LeadEmail = Pick<LeadTableRow, "id" | "email">;

export const leadEmail = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("SELECT id, email FROM leads WHERE id = ?1 AND site_id = ?2").bind(leadId, siteId);

/** The lead's first visitor (the browser a merge moves). */
export const firstVisitor = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("SELECT id FROM visitors WHERE site_id = ?1 AND lead_id = ?2 ORDER BY created_at LIMIT 1").bind(siteId, leadId);

/** The lead a visitor belongs to. */
export const visitorLead = (db: D1Database, siteId: string, visitor: string) =>
  db.prepare("SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2").bind(siteId, visitor).first<Pick<VisitorRow, "lead_id">>();

/** The lead of a visitor with its traits (hints). */
export const visitorLeadTraits = (db: D1Database, siteId: string, visitor: string) =>
  db.prepare("SELECT l.id, l.traits FROM visitors v JOIN leads l ON l.id = v.lead_id WHERE v.site_id = ?1 AND v.id = ?2").bind(siteId, visitor);

/** A lead's id found by id, by email or by visitor (a conversion names it any of these ways). */
export const leadIdBy = {
  id: (db: D1Database, siteId: string, leadId: string) => db.prepare("SELECT id FROM leads WHERE id = ?1 AND site_id = ?2").bind(leadId, siteId),
  email: (db: D1Database, siteId: string, email: string) => db.prepare("SELECT id FROM leads WHERE site_id = ?1 AND email = ?2").bind(siteId, email),
  visitor: (db: D1Database, siteId: string, visitor: string) => db.prepare("SELECT lead_id AS id FROM visitors WHERE site_id = ?1 AND id = ?2").bind(siteId, visitor),
};

export type LeadSessionRow = Pick<SessionRow, "id" | "started_at" | "last_seen" | "referrer" | "landing" | "utm_source" | "utm_medium" | "utm_campaign" | "country" | "events">;

/** The lead's last 50 sessions, latest started first. */
export const sessionsOfLead = (db: D1Database, leadId: string) =>
  db
    .prepare(
      `SELECT s.id, s.started_at, ${liveLastSeen} AS last_seen, s.referrer, s.landing, s.utm_source, s.utm_medium, s.utm_campaign, s.country, ${liveEvents} AS events
       FROM sessions s JOIN leads l ON l.id = s.lead_id WHERE s.lead_id = ?1 ORDER BY s.started_at DESC LIMIT 50`,
    )
    .bind(leadId);

// ---- the admin list ----

export type ListedLeadRow = Pick<LeadTableRow, "id" | "email" | "identity" | "claimed_email" | "name" | "traits" | "last_seen"> & {
  score: LeadScoreRow["score"] | null;
  state: LeadScoreRow["state"] | null;
};

export interface LeadFilter {
  /** The model whose stored score ranks ('' for none: every lead is cold). */
  model: string;
  tier: string | null;
  /** A LIKE pattern (escaped with \) on the lowercased email and name. */
  search: string | null;
  /** Also matched as an exact lead id. */
  id: string;
  /** The last row of the previous page. */
  after: { score: number; id: string } | null;
  limit: number;
}

/**
 * A page of a site's leads, keyset on (score desc, id asc): stable under
 * inserts, O(page) per call. Leads without a stored score rank as 0 and are cold.
 */
export async function leadPage(db: D1Database, siteId: string, f: LeadFilter): Promise<ListedLeadRow[]> {
  const rows = await db
    .prepare(
      `SELECT l.id, l.email, l.identity, l.claimed_email, l.name, l.traits, l.last_seen, s.score, s.state
       FROM leads l LEFT JOIN lead_scores s ON s.lead_id = l.id AND s.model = ?2
       WHERE l.site_id = ?1
         AND (?3 IS NULL OR s.tier = ?3 OR (?3 = 'cold' AND s.tier IS NULL))
         AND (?4 IS NULL OR lower(coalesce(l.email, '')) LIKE ?4 ESCAPE '\\' OR lower(coalesce(l.name, '')) LIKE ?4 ESCAPE '\\' OR l.id = ?7)
         AND (?5 IS NULL OR coalesce(s.score, 0) < ?5 OR (coalesce(s.score, 0) = ?5 AND l.id > ?6))
       ORDER BY coalesce(s.score, 0) DESC, l.id ASC LIMIT ?8`,
    )
    .bind(siteId, f.model, f.tier, f.search, f.after?.score ?? null, f.after?.id ?? "", f.id, f.limit)
    .all<ListedLeadRow>();
  return rows.results;
}

// ---- site-wide walks ----

export type PreviewLeadRow = Pick<LeadTableRow, "id" | "email" | "name" | "traits" | "event_count">;

/**
 * The site's most recently seen leads. No index on last_seen (see
 * db/schema.ts): this sorts the site's leads, fine for a click.
 */
export async function recentLeads(db: D1Database, siteId: string, limit: number): Promise<PreviewLeadRow[]> {
  const rows = await db
    .prepare("SELECT id, email, name, traits, event_count FROM leads WHERE site_id = ?1 ORDER BY last_seen DESC, id LIMIT ?2")
    .bind(siteId, limit)
    .all<PreviewLeadRow>();
  return rows.results;
}

export type RescoreLeadRow = Pick<LeadTableRow, "id" | "traits" | "version" | "event_count">;

/** The next leads (by id) after the model's rescoring cursor. */
export const rescorePage = (db: D1Database, siteId: string, model: string, limit: number) =>
  db
    .prepare(
      `SELECT id, traits, version, event_count FROM leads WHERE site_id = ?1
         AND id > coalesce((SELECT rescore_cursor FROM models WHERE site_id = ?1 AND name = ?2), '') ORDER BY id LIMIT ?3`,
    )
    .bind(siteId, model, limit);

/** Bumping the versions makes an ingest that read the old state retry (the lead's guard fails). */
export const bumpVersions = (db: D1Database, leadIds: string[]) =>
  db.prepare("UPDATE leads SET version = version + 1 WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(leadIds));

// ---- erasure ----

export const deleteLeadSessions = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM sessions WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);

export const deleteLeadVisitors = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM visitors WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);

/** Returns the lead's id when it existed. */
export const deleteLead = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM leads WHERE id = ?1 AND site_id = ?2 RETURNING id").bind(leadId, siteId);
