// The events statements of the ingest path.
import type { StoredEvent } from "../../ingest/normalize";
import type { EventTableRow } from "../rows";
import { guardCondition, guardParams, type GuardSpec } from "../leads/guard";

/** An event as the engine replays it from history. */
export type EventRow = Pick<EventTableRow, "id" | "lead_id" | "name" | "ts" | "url" | "path" | "session_id" | "props"> & { type: StoredEvent["type"] };

export const existingEvents = (db: D1Database, siteId: string, ids: string[]) =>
  db.prepare("SELECT id FROM events WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))").bind(siteId, JSON.stringify(ids));

/** Full history in arrival order, the target's events before a merged lead's (as the merge numbers them). */
export const history = (db: D1Database, target: string, merged: string | null) =>
  db
    .prepare(
      `SELECT id, lead_id, type, name, ts, url, path, session_id, props FROM events
       WHERE lead_id = ?1 OR lead_id = ?2 ORDER BY lead_id = ?1 DESC, n`,
    )
    .bind(target, merged);

/**
 * All of a request's events in one statement: one bound JSON array, whatever
 * the count. `after`: the lead's last event number; the batch's events follow it
 * in order. With `g`, the guard is evaluated by this statement (one statement
 * less per request), which must then come first in its batch, before any write
 * changes what the guard reads.
 */
export const insertEvents = (db: D1Database, siteId: string, leadId: string, visitor: string | null, events: StoredEvent[], after: number, now: number, g?: GuardSpec) =>
  db
    .prepare(
      `INSERT INTO events (site_id, id, lead_id, n, visitor_id, session_id, type, name, ts, url, path, ref, title, props, received_at)
       SELECT ?1, e->>'$.id', ?2, ?6 + k + 1, ?3, e->>'$.sessionId', e->>'$.type', e->>'$.name', e->>'$.ts',
              e->>'$.url', e->>'$.path', e->>'$.ref', e->>'$.title', e->'$.props', ?4
       FROM (SELECT key AS k, value AS e FROM json_each(?5))
       ${g ? `WHERE json(CASE WHEN ${guardCondition(6)} THEN '1' ELSE 'conflict' END) IS NOT NULL` : ""}`,
    )
    .bind(siteId, leadId, visitor, now, JSON.stringify(events), after, ...(g ? guardParams(g) : []));
