// Reads and deletions of raw events outside ingest: a lead's timeline, the
// histories rescoring and the model preview replay, recommendations' reads of
// what a lead viewed and bought, erasure. Every read of one lead goes through
// the (lead_id, n) index.
import type { EventTableRow } from "../rows";

export type TimelineRow = Pick<EventTableRow, "id" | "type" | "name" | "ts" | "url" | "title" | "ref" | "session_id" | "props" | "received_at">;

/** A lead's last `limit` events, newest first. */
export const timeline = (db: D1Database, leadId: string, limit: number) =>
  db.prepare("SELECT id, type, name, ts, url, title, ref, session_id, props, received_at FROM events WHERE lead_id = ?1 ORDER BY n DESC LIMIT ?2").bind(leadId, limit);

/** The full histories of these leads, each in arrival order (rows as ./ingest.ts EventRow). */
export const historiesOf = (db: D1Database, leadIds: string[]) =>
  db
    .prepare("SELECT id, lead_id, type, name, ts, url, path, session_id, props FROM events WHERE lead_id IN (SELECT value FROM json_each(?1)) ORDER BY lead_id, n")
    .bind(JSON.stringify(leadIds));

/**
 * The lead's categories by how often it viewed them (its last 200 product
 * views), the most recently viewed first among equals; at most 3.
 */
export const viewedCategories = (db: D1Database, siteId: string, leadId: string) =>
  db
    .prepare(
      `SELECT p.category AS category, count(*) AS views, max(v.seq) AS last FROM
         (SELECT props->>'$.id' AS pid, n AS seq FROM events WHERE lead_id = ?2 AND type = 'product_view' ORDER BY n DESC LIMIT 200) v
       JOIN products p ON p.site_id = ?1 AND p.id = v.pid WHERE p.category IS NOT NULL
       GROUP BY p.category ORDER BY views DESC, last DESC LIMIT 3`,
    )
    .bind(siteId, leadId);

/** The props of the lead's purchase events (up to 500). */
export const purchasesOf = (db: D1Database, leadId: string) => db.prepare("SELECT props FROM events WHERE lead_id = ?1 AND type = 'purchase' LIMIT 500").bind(leadId);

export const deleteLeadEvents = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM events WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);
