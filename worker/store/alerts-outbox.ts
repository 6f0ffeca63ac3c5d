// The alert outbox write of the ingest path: an alert row written in the same
// transaction as the score change that fired it (SPEC §7).

export interface AlertWrite {
  id: string;
  siteId: string;
  leadId: string;
  model: string;
  triggerId: string;
  crossing: number;
  webhook: string | null;
  /** The channel as JSON (issue 14); null: the signed webhook. */
  channel: string | null;
  payload: string;
  now: number;
}

export const insertAlert = (db: D1Database, a: AlertWrite) =>
  db
    .prepare(
      `INSERT OR IGNORE INTO alerts (id, site_id, lead_id, model, trigger_id, crossing, webhook, status, attempts, next_attempt_at, payload, created_at, channel)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?9, ?8, ?9, ?10)`,
    )
    .bind(a.id, a.siteId, a.leadId, a.model, a.triggerId, a.crossing, a.webhook, a.payload, a.now, a.channel);
