// Conversions, and the reads of the 30-day review (worker/report/load.ts): a
// page of leads with their state under one model, and their events counted
// per type / custom name / page path in SQL.
import type { ConversionRow, EventTableRow, LeadScoreRow, LeadTableRow } from "./rows";

// ---- conversions ----

/** A conversion row, written only while the lead exists (an erase may run in between). */
export const insertConversion = (db: D1Database, siteId: string, leadId: string, value: number | null, ts: number) =>
  db
    .prepare("INSERT INTO conversions (site_id, lead_id, value, ts) SELECT site_id, id, ?3, ?4 FROM leads WHERE id = ?1 AND site_id = ?2")
    .bind(leadId, siteId, value, ts);

/** The lead's first conversion time and summed value; returns them (no row: the lead is gone). */
export const markConverted = (db: D1Database, siteId: string, leadId: string, value: number | null, ts: number) =>
  db
    .prepare(
      `UPDATE leads SET converted_at = min(coalesce(converted_at, ?4), ?4),
         conversion_value = CASE WHEN ?3 IS NULL THEN conversion_value ELSE coalesce(conversion_value, 0) + ?3 END
       WHERE id = ?1 AND site_id = ?2 RETURNING converted_at, conversion_value`,
    )
    .bind(leadId, siteId, value, ts);

export type ConvertedRow = { converted_at: NonNullable<LeadTableRow["converted_at"]> } & Pick<LeadTableRow, "conversion_value">;

export const conversionCount = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("SELECT count(*) AS n FROM conversions WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);

export type LeadConversionRow = Pick<ConversionRow, "value" | "ts">;

export const conversionsOfLead = (db: D1Database, leadId: string) => db.prepare("SELECT value, ts FROM conversions WHERE lead_id = ?1 ORDER BY ts").bind(leadId);

export const deleteLeadConversions = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM conversions WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);

// ---- the review ----

/** A reviewed lead with its state under the reviewed model (null: never scored by it). */
export type ReportLeadRow = Pick<
  LeadTableRow,
  "id" | "email" | "name" | "traits" | "converted_at" | "conversion_value" | "first_touch_at" | "first_referrer" | "first_utm_source" | "first_utm_medium" | "first_utm_campaign"
> & {
  state: LeadScoreRow["state"] | null;
  model_version: LeadScoreRow["model_version"] | null;
};

/**
 * Events of a lead counted by type, custom/form name and page path (the last two only for their
 * types); `days`: the distinct UTC day numbers (comma-separated) with such events in the
 * `recentMs` before the lead's conversion, or before now.
 */
export type EventCountRow = Pick<EventTableRow, "lead_id" | "type" | "name" | "path"> & { n: number; days: string | null };

/** The leads seen since `since`, by id after `after`; one page. */
export const reportLeads = (db: D1Database, siteId: string, model: string, since: number, after: string, limit: number) =>
  db
    .prepare(
      `SELECT l.id, l.email, l.name, l.traits, l.converted_at, l.conversion_value, s.state, s.model_version,
              l.first_touch_at, l.first_referrer, l.first_utm_source, l.first_utm_medium, l.first_utm_campaign
       FROM leads l LEFT JOIN lead_scores s ON s.lead_id = l.id AND s.model = ?5
       WHERE l.site_id = ?1 AND l.last_seen >= ?2 AND l.id > ?3 ORDER BY l.id LIMIT ?4`,
    )
    .bind(siteId, since, after, limit, model);

/**
 * The events of the same page of leads, counted only before the lead's
 * conversion: a "thank you" page or a purchase after converting cannot
 * "predict" the conversion.
 */
export const reportEventCounts = (db: D1Database, siteId: string, since: number, after: string, limit: number, now: number, recentMs: number) =>
  db
    .prepare(
      `SELECT e.lead_id, e.type,
              CASE WHEN e.type IN ('custom', 'form_submit') THEN e.name END AS name,
              CASE WHEN e.type = 'page_view' THEN e.path END AS path, count(*) AS n,
              group_concat(DISTINCT CASE WHEN e.ts >= coalesce(p.converted_at, ?5) - ?6 THEN e.ts / 86400000 END) AS days
       FROM (SELECT id, converted_at FROM leads WHERE site_id = ?1 AND last_seen >= ?2 AND id > ?3 ORDER BY id LIMIT ?4) p JOIN events e ON e.lead_id = p.id
       WHERE p.converted_at IS NULL OR e.ts < p.converted_at
       GROUP BY 1, 2, 3, 4`,
    )
    .bind(siteId, since, after, limit, now, recentMs);

/** Whether any lead seen since `since` comes after `after` (the review stopped at its cap). */
export const moreReportLeads = (db: D1Database, siteId: string, since: number, after: string) =>
  db.prepare("SELECT 1 FROM leads WHERE site_id = ?1 AND last_seen >= ?2 AND id > ?3 LIMIT 1").bind(siteId, since, after).first();
