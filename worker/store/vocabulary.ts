// What a site's data actually contains, for the model editor's pickers: event types,
// event names per type, page paths (of page views), trait keys and their common values, each with a
// count, top `limit` of each. One statement over a bounded window: the site's
// `leads` most recently seen leads and at most `events` of their events (through the
// (lead_id, n) index), so its cost does not grow with the site's history.
import type { EventTableRow } from "./rows";

export type VocabularyRow = {
  kind: "leads" | "events" | "type" | "name" | "path" | "trait" | "value";
  /** The event type of a name, the trait key of a value; null otherwise. */
  k: EventTableRow["type"] | string | null;
  /** The type, name, path or trait key counted; a trait value as text. */
  v: string | null;
  /** json_each's type of a trait value ("text", "integer", "real", "true", "false"). */
  t: string | null;
  n: number;
};

/** Trait keys whose values are personal data: listed as keys, their values never offered. */
export const PERSONAL_TRAITS = ["email", "name", "phone"] as const;

export const vocabularyRows = (db: D1Database, siteId: string, w: { leads: number; events: number; limit: number }) =>
  db
    .prepare(
      `WITH recent AS (SELECT id, traits FROM leads WHERE site_id = ?1 ORDER BY last_seen DESC LIMIT ?2),
       ev AS (SELECT type, name, path FROM events WHERE lead_id IN (SELECT id FROM recent) AND site_id = ?1 LIMIT ?3),
       tv AS (SELECT j.key AS k, j.type AS t,
                CASE WHEN j.type IN ('text', 'integer', 'real') THEN CAST(j.value AS TEXT) WHEN j.type IN ('true', 'false') THEN j.type END AS v
              FROM recent, json_each(CASE WHEN json_valid(recent.traits) AND json_type(recent.traits) = 'object' THEN recent.traits ELSE '{}' END) j),
       keys AS (SELECT k, count(*) AS n FROM tv GROUP BY k ORDER BY n DESC, k LIMIT ?4),
       agg AS (
         SELECT 'type' AS kind, NULL AS k, type AS v, NULL AS t, count(*) AS n FROM ev GROUP BY type
         UNION ALL SELECT 'name', type, name, NULL, count(*) FROM ev WHERE name IS NOT NULL AND length(name) <= 200 GROUP BY type, name
         UNION ALL SELECT 'path', NULL, path, NULL, count(*) FROM ev WHERE type = 'page_view' AND path IS NOT NULL AND length(path) <= 300 GROUP BY path
         UNION ALL SELECT 'trait', NULL, k, NULL, n FROM keys
         UNION ALL SELECT 'value', k, v, max(t), count(*) FROM tv
           WHERE v IS NOT NULL AND length(v) <= 100 AND k IN (SELECT k FROM keys) AND k NOT IN (SELECT value FROM json_each(?5))
           GROUP BY k, v
       )
       SELECT kind, k, v, t, n FROM (
         SELECT kind, k, v, t, n, row_number() OVER (PARTITION BY kind, k ORDER BY n DESC, v) AS r FROM agg
       ) WHERE r <= ?4
       UNION ALL SELECT 'leads', NULL, NULL, NULL, count(*) FROM recent
       UNION ALL SELECT 'events', NULL, NULL, NULL, count(*) FROM ev`,
    )
    .bind(siteId, w.leads, w.events, w.limit, JSON.stringify(PERSONAL_TRAITS))
    .all<VocabularyRow>();
