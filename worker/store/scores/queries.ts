// Score states outside ingest: the lead detail, hints, rescoring, a model's
// deletion, erasure. Writes of new states go through ./ingest.ts upsertScores.
import type { LeadScoreRow } from "../rows";

export type LeadStateRow = Pick<LeadScoreRow, "model" | "model_version" | "state" | "scored_at">;

/** Every model's state of a lead. */
export const statesOfLead = (db: D1Database, leadId: string) =>
  db.prepare("SELECT model, model_version, state, scored_at FROM lead_scores WHERE lead_id = ?1").bind(leadId);

/** A visitor's lead's state under the site's primary model (the lowest position). */
export const primaryStateOfVisitor = (db: D1Database, siteId: string, visitor: string) =>
  db
    .prepare(
      `SELECT s.state FROM lead_scores s WHERE s.lead_id = (SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2)
         AND s.model = (SELECT name FROM models WHERE site_id = ?1 ORDER BY position LIMIT 1)`,
    )
    .bind(siteId, visitor);

/** These leads' states under one model (rows: Pick<LeadScoreRow, "lead_id" | "state">). */
export const statesOf = (db: D1Database, leadIds: string[], model: string) =>
  db.prepare("SELECT lead_id, state FROM lead_scores WHERE model = ?2 AND lead_id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(leadIds), model);

/** By the site's leads (leads_site_email's prefix), then the primary key: lead_scores has no (site, model) index. */
export const deleteModelScores = (db: D1Database, siteId: string, model: string) =>
  db.prepare("DELETE FROM lead_scores WHERE model = ?2 AND lead_id IN (SELECT id FROM leads WHERE site_id = ?1)").bind(siteId, model);

export const deleteLeadScores = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM lead_scores WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);
