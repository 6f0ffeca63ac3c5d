// The alert outbox outside ingest (which writes alerts: ./alerts-outbox.ts):
// claims and outcomes of deliveries, the admin views, manual retries, erasure.
import type { AlertRow, LeadTableRow, ModelTableRow } from "./rows";

const DUE = `status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?2) AND (claimed_until IS NULL OR claimed_until <= ?2)`;

/** An alert as its claim returns it; `claimed_until` is the lease, and the claim's token. */
export type ClaimRow = Pick<AlertRow, "id" | "site_id" | "model" | "trigger_id" | "webhook" | "payload" | "attempts" | "channel"> & { claimed_until: number };

/**
 * One conditional UPDATE … RETURNING: of two workers claiming the same alert,
 * only one matches (D1 runs statements one at a time); the other gets null.
 */
export const claimAlert = (db: D1Database, id: string, now: number, leaseUntil: number) =>
  db
    .prepare(
      `UPDATE alerts SET attempts = attempts + 1, claimed_until = ?3
       WHERE id = ?1 AND ${DUE}
       RETURNING id, site_id, model, trigger_id, webhook, payload, attempts, claimed_until, channel`,
    )
    .bind(id, now, leaseUntil)
    .first<ClaimRow>();

/** Ids of alerts due at `now`, oldest due first (index alerts_due). */
export async function dueAlertIds(db: D1Database, now: number, limit: number): Promise<string[]> {
  const r = await db
    .prepare(`SELECT id FROM alerts WHERE ${DUE.replaceAll("?2", "?1")} ORDER BY next_attempt_at LIMIT ?2`)
    .bind(now, limit)
    .all<Pick<AlertRow, "id">>();
  return r.results.map((x) => x.id);
}

// Outcomes: each is written only while the claim's lease is ours (`claimed_until = lease`).

export const markDelivered = (db: D1Database, id: string, lease: number, at: number) =>
  db
    .prepare(`UPDATE alerts SET status = 'delivered', delivered_at = ?3, last_error = NULL, next_attempt_at = NULL, claimed_until = NULL WHERE id = ?1 AND claimed_until = ?2`)
    .bind(id, lease, at);

export const markRetry = (db: D1Database, id: string, lease: number, error: string, nextAt: number) =>
  db.prepare(`UPDATE alerts SET last_error = ?3, next_attempt_at = ?4, claimed_until = NULL WHERE id = ?1 AND claimed_until = ?2`).bind(id, lease, error, nextAt);

/** `unsent`: 1 when no request went out, so the claim's attempt is given back. */
export const markFailed = (db: D1Database, id: string, lease: number, error: string, unsent: 0 | 1) =>
  db
    .prepare(
      `UPDATE alerts SET status = 'failed', last_error = ?3, next_attempt_at = NULL, claimed_until = NULL, attempts = attempts - ?4 WHERE id = ?1 AND claimed_until = ?2`,
    )
    .bind(id, lease, error, unsent);

export const markNoWebhook = (db: D1Database, id: string, lease: number) =>
  db
    .prepare(`UPDATE alerts SET status = 'no_webhook', next_attempt_at = NULL, claimed_until = NULL, attempts = attempts - 1 WHERE id = ?1 AND claimed_until = ?2`)
    .bind(id, lease);

// ---- admin views ----

/** An alert with its lead's email and name (from the payload once the lead is gone). */
export type AlertViewRow = Pick<
  AlertRow,
  "id" | "trigger_id" | "model" | "lead_id" | "webhook" | "status" | "attempts" | "last_error" | "next_attempt_at" | "created_at" | "delivered_at" | "channel"
> &
  Pick<LeadTableRow, "email" | "name">;

const SELECT_VIEW = `SELECT a.id, a.trigger_id, a.model, a.lead_id, a.webhook, a.status, a.attempts, a.last_error,
    a.next_attempt_at, a.created_at, a.delivered_at, a.channel,
    coalesce(l.email, json_extract(a.payload, '$.lead.email')) AS email,
    coalesce(l.name, json_extract(a.payload, '$.lead.name')) AS name
  FROM alerts a LEFT JOIN leads l ON l.id = a.lead_id`;

/**
 * A page of a site's alerts, newest first, keyset on (created_at desc, id desc)
 * over index alerts_site; `after` is the last row of the previous page.
 */
export async function alertPage(
  db: D1Database,
  siteId: string,
  status: string | null,
  after: { createdAt: number; id: string } | null,
  limit: number,
): Promise<AlertViewRow[]> {
  const r = await db
    .prepare(
      `${SELECT_VIEW}
       WHERE a.site_id = ?1 AND (?2 IS NULL OR a.status = ?2)
         AND (?3 IS NULL OR a.created_at < ?3 OR (a.created_at = ?3 AND a.id < ?4))
       ORDER BY a.created_at DESC, a.id DESC LIMIT ?5`,
    )
    .bind(siteId, status, after?.createdAt ?? null, after?.id ?? "", limit)
    .all<AlertViewRow>();
  return r.results;
}

export const alertView = (db: D1Database, siteId: string, id: string) =>
  db.prepare(`${SELECT_VIEW} WHERE a.site_id = ?1 AND a.id = ?2`).bind(siteId, id).first<AlertViewRow>();

/** A failed alert with its model's current document (null: the model is gone). */
export const failedAlert = (db: D1Database, siteId: string, id: string) =>
  db
    .prepare(
      `SELECT a.trigger_id, a.webhook, m.document FROM alerts a LEFT JOIN models m ON m.site_id = a.site_id AND m.name = a.model
       WHERE a.site_id = ?1 AND a.id = ?2 AND a.status = 'failed'`,
    )
    .bind(siteId, id)
    .first<Pick<AlertRow, "trigger_id" | "webhook"> & { document: ModelTableRow["document"] | null }>();

/** A failed alert back to pending, due at `now`, with a fresh budget of attempts. */
export const resetFailed = (db: D1Database, siteId: string, id: string, now: number, webhook: string | null) =>
  db
    .prepare(
      `UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = ?3, claimed_until = NULL, webhook = ?4
       WHERE site_id = ?1 AND id = ?2 AND status = 'failed'`,
    )
    .bind(siteId, id, now, webhook);

// ---- a lead's alerts ----

export type LeadAlertRow = Pick<AlertRow, "id" | "model" | "trigger_id" | "crossing" | "status" | "attempts" | "last_error" | "created_at" | "delivered_at">;

/** The lead's last 50 alerts, newest first. */
export const alertsOfLead = (db: D1Database, leadId: string) =>
  db
    .prepare("SELECT id, model, trigger_id, crossing, status, attempts, last_error, created_at, delivered_at FROM alerts WHERE lead_id = ?1 ORDER BY created_at DESC LIMIT 50")
    .bind(leadId);

export const deleteLeadAlerts = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("DELETE FROM alerts WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);
