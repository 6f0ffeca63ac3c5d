// The score-state statements of the ingest path, and the site's models it scores with.
import type { LeadState, ScoreResult } from "../../scoring/engine";
import type { LeadScoreRow, ModelTableRow } from "../rows";

/** A lead_scores row as ingest reads it: the engine state and the figures derived from it. */
export type ScoreRow = Pick<LeadScoreRow, "lead_id" | "model" | "model_version" | "state" | "score" | "fit" | "interest" | "tier" | "code" | "readiness">;

/** A site's model as ingest reads it (the document is parsed once per version and isolate). */
export type ModelRow = Pick<ModelTableRow, "name" | "version" | "position" | "document">;

/** The row that stores one model's result and engine state for a lead. */
export function scoreRowOf(lead: string, model: string, version: number, r: ScoreResult, state: LeadState): ScoreRow {
  return { lead_id: lead, model, model_version: version, state: JSON.stringify(state), score: r.score, fit: r.fit, interest: r.interest, tier: r.tier, code: r.code, readiness: r.readiness };
}

export const siteModelRows = (db: D1Database, siteId: string) =>
  db.prepare("SELECT name, version, position, document FROM models WHERE site_id = ?1 ORDER BY position").bind(siteId);

/**
 * Score states of the leads a request may touch (by visitor and by email).
 * Two `=` lookups joined by UNION, not `IN (…) OR IN (…)`: SQLite answers an
 * OR of subqueries with a full scan, which made every request O(leads).
 */
export const scoresOf = (db: D1Database, siteId: string, visitor: string | null, email: string | null) =>
  db
    .prepare(
      `SELECT lead_id, model, model_version, state, score, fit, interest, tier, code, readiness FROM lead_scores
         WHERE lead_id = (SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2)
       UNION
       SELECT lead_id, model, model_version, state, score, fit, interest, tier, code, readiness FROM lead_scores
         WHERE lead_id = (SELECT id FROM leads WHERE site_id = ?1 AND email = ?3)`,
    )
    .bind(siteId, visitor, email);

/** Score rows of many leads or models in one statement (one bound JSON array). */
export const upsertScores = (db: D1Database, siteId: string, now: number, rows: ScoreRow[]) =>
  db
    .prepare(
      `INSERT INTO lead_scores (lead_id, model, site_id, model_version, score, fit, interest, tier, code, readiness, state, scored_at)
       SELECT x->>'$.lead_id', x->>'$.model', ?1, x->>'$.model_version', x->>'$.score', x->>'$.fit', x->>'$.interest',
              x->>'$.tier', x->>'$.code', x->>'$.readiness', x->>'$.state', ?2
       FROM (SELECT value AS x FROM json_each(?3)) WHERE true
       ON CONFLICT (lead_id, model) DO UPDATE SET model_version = excluded.model_version, score = excluded.score,
         fit = excluded.fit, interest = excluded.interest, tier = excluded.tier, code = excluded.code,
         readiness = excluded.readiness, state = excluded.state, scored_at = excluded.scored_at`,
    )
    .bind(siteId, now, JSON.stringify(rows));

