// The SQL of retention (worker/retention/retention.ts): which sites are due (the
// directory), the site's leads in keyset pages, and the deletion of a lead's
// old events and of the sessions they close. Events have no index on ts (each
// index costs a row write per event), so deletions go through the lead's
// (lead_id, n) index, over ranges of n the caller bounds.
import type { LeadTableRow, SiteRow } from "./rows";
import { liveLastSeen } from "./leads/live";

// ---- the directory ----

export type RetentionSiteRow = Pick<SiteRow, "id" | "shard" | "retention_days" | "retention_cursor" | "retention_done_at">;

/**
 * Sites whose walk is running or due (the last one ended before `dueBefore`),
 * the longest waiting first. Sites moving between shards wait for the move
 * (their cursor names a shard; the walk restarts on the new one).
 */
export const dueSites = (dir: D1Database, dueBefore: number, limit: number) =>
  dir
    .prepare(
      `SELECT id, shard, retention_days, retention_cursor, retention_done_at FROM sites
       WHERE move_state IS NULL AND (retention_cursor IS NOT NULL OR retention_done_at IS NULL OR retention_done_at <= ?1)
       ORDER BY coalesce(retention_done_at, 0), id LIMIT ?2`,
    )
    .bind(dueBefore, limit);

/**
 * Moves the walk on, only from the position the caller read (cursor and last
 * end): of two overlapping cron runs, one advances and the other stops. A null
 * `to` ends the walk at `doneAt`.
 */
export const advanceCursor = (dir: D1Database, siteId: string, from: string | null, fromDoneAt: number | null, to: string | null, doneAt: number | null) =>
  dir
    .prepare(
      `UPDATE sites SET retention_cursor = ?4, retention_done_at = coalesce(?5, retention_done_at)
       WHERE id = ?1 AND retention_cursor IS ?2 AND retention_done_at IS ?3`,
    )
    .bind(siteId, from, fromDoneAt, to, doneAt);

// ---- the site's shard ----

/** A lead as the walk sees it; `k` is its keyset key, `first_n` its oldest stored event's number (null: none left). */
export type RetentionLead = Pick<LeadTableRow, "id" | "first_seen" | "event_count"> & { k: number | string; first_n: number | null };

/**
 * The next page of a site's leads through the (site_id, email) index's prefix:
 * anonymous leads (email null) in rowid order, then the others in email order
 * (unique per site). Each lead's first stored event number is one seek in the
 * events' (lead_id, n) index.
 */
export function leadPage(db: D1Database, siteId: string, anonymous: boolean, after: number | string | null, limit: number) {
  const firstN = "(SELECT min(n) FROM events WHERE lead_id = leads.id) AS first_n";
  return anonymous
    ? db
        .prepare(`SELECT rowid AS k, id, first_seen, event_count, ${firstN} FROM leads WHERE site_id = ?1 AND email IS NULL AND rowid > ?2 ORDER BY rowid LIMIT ?3`)
        .bind(siteId, after ?? 0, limit)
    : db
        .prepare(`SELECT email AS k, id, first_seen, event_count, ${firstN} FROM leads WHERE site_id = ?1 AND email > ?2 ORDER BY email LIMIT ?3`)
        .bind(siteId, after ?? "", limit);
}

/** Events of lead `l` with `a` < n ≤ `b`: the caller keeps the sum of the ranges within its chunk. */
export interface EventRange {
  l: string;
  a: number;
  b: number;
}

const OLD_IN_RANGES = `SELECT e.%COL% FROM json_each(?2) j
  JOIN events e ON e.lead_id = j.value->>'$.l' AND e.n > j.value->>'$.a' AND e.n <= j.value->>'$.b'
  WHERE e.ts < ?3`;

/**
 * The sessions the old events of these ranges belong to, when the session
 * ended before the cutoff: its last event (last_seen is its latest event's
 * ts, with what its lead's live session adds) goes in this chunk or went
 * earlier, so it has no events left. Runs
 * before deleteOldEvents, in the same batch.
 */
export const deleteClosedSessions = (db: D1Database, siteId: string, ranges: EventRange[], cutoff: number) =>
  db
    .prepare(
      `DELETE FROM sessions AS s WHERE s.site_id = ?1 AND s.id IN (${OLD_IN_RANGES.replace("%COL%", "session_id")})
         AND coalesce((SELECT ${liveLastSeen} FROM leads l WHERE l.id = s.lead_id), s.last_seen) < ?3`,
    )
    .bind(siteId, JSON.stringify(ranges), cutoff);

/** Deletes the events of these ranges older than the cutoff (idempotent: a second run finds nothing). */
export const deleteOldEvents = (db: D1Database, siteId: string, ranges: EventRange[], cutoff: number) =>
  db.prepare(`DELETE FROM events WHERE site_id = ?1 AND id IN (${OLD_IN_RANGES.replace("%COL%", "id")})`).bind(siteId, JSON.stringify(ranges), cutoff);
