// The statements of a bulk import (worker/import/): a chunk of many leads is read
// in one batch and written in one batch, each statement binding its rows as one
// JSON array (D1 allows 100 bound parameters per statement, whatever the rows).
import type { StoredEvent } from "../ingest/normalize";
import type { LeadRow } from "./leads/ingest";
import type { LeadTableRow } from "./rows";

/** A lead as the import reads and plans it: ingest's columns, its CRM id and whether it converted. */
export type ImportLeadRow = LeadRow & Pick<LeadTableRow, "external_id" | "converted_at">;

const COLS =
  "l.id, l.site_id, l.email, l.name, l.phone, l.traits, l.country, l.first_seen, l.last_seen, l.event_count, l.version, l.identity, l.claimed_email, l.trait_sources, l.external_id, l.converted_at" +
  ", l.first_touch_at, l.first_referrer, l.first_utm_source, l.first_utm_medium, l.first_utm_campaign, l.first_landing, l.live_session";

/** The site's leads holding any of these emails, CRM ids or visitors (each as a JSON array). */
export const leadsByKeys = (db: D1Database, siteId: string, emails: string[], externalIds: string[], visitors: string[]) =>
  db
    .prepare(
      `SELECT ${COLS}, NULL AS visitor FROM leads l WHERE l.site_id = ?1 AND l.email IN (SELECT value FROM json_each(?2))
       UNION ALL
       SELECT ${COLS}, NULL AS visitor FROM leads l WHERE l.site_id = ?1 AND l.external_id IN (SELECT value FROM json_each(?3))
       UNION ALL
       SELECT ${COLS}, v.id AS visitor FROM visitors v JOIN leads l ON l.id = v.lead_id WHERE v.site_id = ?1 AND v.id IN (SELECT value FROM json_each(?4))`,
    )
    .bind(siteId, JSON.stringify(emails), JSON.stringify(externalIds), JSON.stringify(visitors));

/** Score rows of these leads under every model (rows as scores/ingest.ts ScoreRow). */
export const scoresOfLeads = (db: D1Database, leadIds: string[]) =>
  db
    .prepare(
      `SELECT lead_id, model, model_version, state, score, fit, interest, tier, code, readiness FROM lead_scores
       WHERE lead_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(leadIds));

/** A lead row of the import, with its CRM id. */
export type ImportLeadWrite = LeadRow & { external_id: string | null };

const LEAD_FIELDS = ["id", "site_id", "email", "name", "phone", "traits", "country", "first_seen", "last_seen", "event_count", "version", "identity", "claimed_email", "trait_sources", "external_id",
  "first_touch_at", "first_referrer", "first_utm_source", "first_utm_medium", "first_utm_campaign", "first_landing"] as const;

/** New leads, all in one statement. */
export const insertLeads = (db: D1Database, rows: ImportLeadWrite[]) =>
  db
    .prepare(
      `INSERT INTO leads (${LEAD_FIELDS.join(", ")})
       SELECT ${LEAD_FIELDS.map((c) => `x->>'$.${c}'`).join(", ")} FROM (SELECT value AS x FROM json_each(?1))`,
    )
    .bind(JSON.stringify(rows));

/**
 * Existing leads as planned (absolute values, under the chunk's version guard),
 * all in one statement.
 */
export const updateLeads = (db: D1Database, rows: ImportLeadWrite[]) =>
  db
    .prepare(
      // An upsert on the primary key (an UPDATE … FROM json_each scans the site's leads; INSERT OR
      // REPLACE would delete another lead holding the same email): every row exists, so each is
      // the DO UPDATE, and an email taken meanwhile fails the batch (read again, then reported).
      `INSERT INTO leads (${LEAD_FIELDS.join(", ")})
       SELECT ${LEAD_FIELDS.map((c) => `x->>'$.${c}'`).join(", ")} FROM (SELECT value AS x FROM json_each(?1)) WHERE true
       ON CONFLICT (id) DO UPDATE SET ${LEAD_FIELDS.filter((c) => c !== "id" && c !== "site_id").map((c) => `${c} = excluded.${c}`).join(", ")}`,
    )
    .bind(JSON.stringify(rows));

/** An event of the import with the lead it belongs to and its arrival number. */
export type ImportEventWrite = StoredEvent & { leadId: string; n: number };

/**
 * Events of many leads in one statement (ids already checked new; the primary
 * key refuses a racing copy). Each event is a JSON array, not an object: a third
 * of the bytes to bind and to pick apart.
 */
export const insertImportEvents = (db: D1Database, siteId: string, now: number, events: ImportEventWrite[]) =>
  db
    .prepare(
      `INSERT INTO events (site_id, id, lead_id, n, visitor_id, session_id, type, name, ts, url, path, ref, title, props, received_at)
       SELECT ?1, e->>0, e->>1, e->>2, NULL, e->>3, e->>4, e->>5, e->>6, e->>7, e->>8, e->>9, e->>10, e->11, ?2
       FROM (SELECT value AS e FROM json_each(?3))`,
    )
    .bind(siteId, now, JSON.stringify(events.map((e) => [e.id, e.leadId, e.n, e.sessionId, e.type, e.name, e.ts, e.url, e.path, e.ref, e.title, e.props])));

/** Visitors mapped to their leads (a visitor already mapped keeps its lead: the planner checked it). */
export const mapVisitors = (db: D1Database, siteId: string, now: number, pairs: { visitor: string; leadId: string }[]) =>
  db
    .prepare(
      `INSERT INTO visitors (site_id, id, lead_id, created_at)
       SELECT ?1, x->>'$.visitor', x->>'$.leadId', ?2 FROM (SELECT value AS x FROM json_each(?3)) WHERE true
       ON CONFLICT (site_id, id) DO NOTHING`,
    )
    .bind(siteId, now, JSON.stringify(pairs));

export interface ImportConversion {
  leadId: string;
  value: number | null;
  ts: number;
}

/**
 * The import's outcomes, stored as POST /v1/admin/conversions stores them (a
 * conversions row, and the lead's converted_at and conversion_value), for leads
 * not converted yet only: an import states the outcome, so a second import of
 * the same file adds nothing. Two statements; the row first, while the lead is
 * still unconverted.
 */
export const recordImportConversions = (db: D1Database, siteId: string, rows: ImportConversion[]) => [
  db
    .prepare(
      `INSERT INTO conversions (site_id, lead_id, value, ts)
       SELECT ?1, x->>'$.leadId', x->>'$.value', x->>'$.ts' FROM (SELECT value AS x FROM json_each(?2))
       WHERE EXISTS (SELECT 1 FROM leads l WHERE l.id = x->>'$.leadId' AND l.site_id = ?1 AND l.converted_at IS NULL)`,
    )
    .bind(siteId, JSON.stringify(rows)),
  db
    .prepare(
      // By primary key, one lead at a time (an UPDATE … FROM json_each scans the site's leads).
      `UPDATE leads SET converted_at = (SELECT x.value->>'$.ts' FROM json_each(?2) x WHERE x.value->>'$.leadId' = leads.id),
         conversion_value = (SELECT x.value->>'$.value' FROM json_each(?2) x WHERE x.value->>'$.leadId' = leads.id)
       WHERE id IN (SELECT value->>'$.leadId' FROM json_each(?2)) AND site_id = ?1 AND converted_at IS NULL`,
    )
    .bind(siteId, JSON.stringify(rows)),
];
