// The lead, visitor and session statements of the ingest path.
import type { SessionTouch } from "../../ingest/normalize";
import type { LeadTableRow } from "../rows";

/** A lead as ingest reads and plans it (the columns it decides on). */
export type LeadRow = Pick<
  LeadTableRow,
  | "id" | "site_id" | "email" | "name" | "phone" | "traits" | "country" | "first_seen" | "last_seen" | "event_count" | "version" | "identity" | "claimed_email" | "trait_sources"
  | "first_touch_at" | "first_referrer" | "first_utm_source" | "first_utm_medium" | "first_utm_campaign" | "first_landing" | "live_session"
>;

const LEAD_COLS =
  "l.id, l.site_id, l.email, l.name, l.phone, l.traits, l.country, l.first_seen, l.last_seen, l.event_count, l.version, l.identity, l.claimed_email, l.trait_sources" +
  ", l.first_touch_at, l.first_referrer, l.first_utm_source, l.first_utm_medium, l.first_utm_campaign, l.first_landing, l.live_session";

export const leadByVisitor = (db: D1Database, siteId: string, visitor: string) =>
  db.prepare(`SELECT ${LEAD_COLS} FROM visitors v JOIN leads l ON l.id = v.lead_id WHERE v.site_id = ?1 AND v.id = ?2`).bind(siteId, visitor);

export const leadByEmail = (db: D1Database, siteId: string, email: string) =>
  db.prepare(`SELECT ${LEAD_COLS} FROM leads l WHERE l.site_id = ?1 AND l.email = ?2`).bind(siteId, email);

export const insertLead = (db: D1Database, l: LeadRow) =>
  db
    .prepare(
      `INSERT INTO leads (id, site_id, email, name, phone, traits, country, first_seen, last_seen, event_count, version, identity, claimed_email, trait_sources,
         first_touch_at, first_referrer, first_utm_source, first_utm_medium, first_utm_campaign, first_landing, live_session)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)`,
    )
    .bind(
      l.id, l.site_id, l.email, l.name, l.phone, l.traits, l.country, l.first_seen, l.last_seen, l.event_count, l.version, l.identity, l.claimed_email, l.trait_sources,
      l.first_touch_at, l.first_referrer, l.first_utm_source, l.first_utm_medium, l.first_utm_campaign, l.first_landing, l.live_session,
    );

const UPDATABLE = [
  "email", "name", "phone", "traits", "country", "first_seen", "last_seen", "event_count", "identity", "claimed_email", "trait_sources",
  "first_touch_at", "first_referrer", "first_utm_source", "first_utm_medium", "first_utm_campaign", "first_landing", "live_session",
] as const;

/**
 * The lead as planned (absolute values, decided under the version guard).
 * Only the columns that changed are assigned: SQLite rewrites an index entry
 * whenever an indexed column is assigned, and D1 bills each as a row write.
 */
export function updateLead(db: D1Database, after: LeadRow, before: LeadRow) {
  const sets = ["version = ?2"];
  const args: unknown[] = [after.id, after.version];
  for (const col of UPDATABLE) {
    if (after[col] === before[col]) continue;
    args.push(after[col]);
    sets.push(`${col} = ?${args.length}`);
  }
  return db.prepare(`UPDATE leads SET ${sets.join(", ")} WHERE id = ?1`).bind(...args);
}

/**
 * A lead that held an email only by a browser's claim gives it up to verified
 * identity: it keeps its visitors and events, and the email becomes its claim.
 */
export const evictClaim = (db: D1Database, lead: LeadRow) =>
  db.prepare("UPDATE leads SET email = NULL, identity = NULL, claimed_email = ?2, version = version + 1 WHERE id = ?1").bind(lead.id, lead.email);

export const mapVisitor = (db: D1Database, siteId: string, visitor: string, leadId: string, now: number) =>
  db
    .prepare(
      `INSERT INTO visitors (site_id, id, lead_id, created_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (site_id, id) DO UPDATE SET lead_id = excluded.lead_id`,
    )
    .bind(siteId, visitor, leadId, now);

export const touchSession = (db: D1Database, siteId: string, leadId: string, visitor: string | null, s: SessionTouch, country: string | null, products: string[] | null) =>
  db
    .prepare(
      `INSERT INTO sessions (site_id, id, lead_id, visitor_id, started_at, last_seen, referrer, landing,
         utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, events, products, pages)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
       ON CONFLICT (site_id, id) DO UPDATE SET
         started_at = min(started_at, excluded.started_at), last_seen = max(last_seen, excluded.last_seen),
         referrer = coalesce(referrer, excluded.referrer), landing = coalesce(landing, excluded.landing),
         utm_source = coalesce(utm_source, excluded.utm_source), utm_medium = coalesce(utm_medium, excluded.utm_medium),
         utm_campaign = coalesce(utm_campaign, excluded.utm_campaign), utm_term = coalesce(utm_term, excluded.utm_term),
         utm_content = coalesce(utm_content, excluded.utm_content), events = events + excluded.events,
         products = coalesce(excluded.products, products),
         pages = CASE WHEN excluded.pages IS NULL THEN pages ELSE (
           SELECT json_group_array(value) FROM (SELECT value FROM (
             SELECT value FROM json_each(coalesce(sessions.pages, '[]')) UNION SELECT value FROM json_each(excluded.pages)
           ) LIMIT 20)) END`,
    )
    .bind(
      siteId, s.id, leadId, visitor ?? "", s.startedAt, s.lastSeen, s.referrer, s.landing,
      s.utm.utm_source, s.utm.utm_medium, s.utm.utm_campaign, s.utm.utm_term, s.utm.utm_content, country, s.events,
      products ? JSON.stringify(products) : null, s.pages.length ? JSON.stringify(s.pages) : null,
    );

export const sessionProducts = (db: D1Database, siteId: string, sessions: string[]) =>
  db.prepare("SELECT id, products FROM sessions WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))").bind(siteId, JSON.stringify(sessions));

/**
 * Moves everything of a lead into another (an anonymous lead into the lead that
 * holds the email it verified, or a claim the owner accepted). `offset`: the
 * target's event count; the merged events are numbered after its own.
 */
export const mergeLead = (db: D1Database, from: string, into: string, offset: number) => [
  db.prepare("UPDATE events SET lead_id = ?2, n = n + ?3 WHERE lead_id = ?1").bind(from, into, offset),
  db.prepare("UPDATE sessions SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
  db.prepare("UPDATE visitors SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
  db.prepare("UPDATE alerts SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
  // Codes move with the lead; where the target already holds a code of the
  // same promo (one per lead), the merged lead's code is released to the pool.
  db.prepare("UPDATE OR IGNORE promo_codes SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
  db.prepare("UPDATE promo_codes SET lead_id = NULL, assigned_at = NULL WHERE lead_id = ?1").bind(from),
  db.prepare("UPDATE conversions SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
  db.prepare("DELETE FROM lead_scores WHERE lead_id = ?1").bind(from),
  db.prepare("DELETE FROM leads WHERE id = ?1").bind(from),
];
