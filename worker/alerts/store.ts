// The alert outbox in D1: claims, outcomes, the admin list and manual retries.
//
// Status: `pending` (waiting for its first or next attempt) → `delivered` (a 2xx came back),
// `failed` (MAX_ATTEMPTS attempts failed, or the URL is refused by the policy: no retry) or
// `no_webhook` (the trigger has no webhook: nothing to send; the alert stays visible here and
// on the lead, for sites that poll GET /v1/admin/alerts instead of receiving webhooks).
//
// Claim: one conditional UPDATE … RETURNING. D1 runs statements one at a time, so of two
// workers (the request's waitUntil and the cron, or two cron runs) only one matches the WHERE
// clause; the other gets no row and sends nothing. The claim is a lease (`claimed_until`): a
// worker that dies mid-send leaves the alert to be claimed again once the lease has expired.
// The lease value doubles as the claim's token: outcomes are written only `WHERE claimed_until
// = <our lease>`, so a worker whose lease expired cannot overwrite a newer claim's outcome.

import { decodeCursor, encodeCursor } from "../lib/cursor";
import { readReason } from "./reasons";
export type AlertStatus = "pending" | "delivered" | "failed" | "no_webhook";
export const ALERT_STATUSES: AlertStatus[] = ["pending", "delivered", "failed", "no_webhook"];

/** Longer than one attempt (5 s timeout) plus D1 round trips, with a wide margin. */
export const LEASE_MS = 60_000;

export interface ClaimedAlert {
  id: string;
  site_id: string;
  model: string;
  trigger_id: string;
  webhook: string | null;
  payload: string;
  attempts: number;
  claimed_until: number;
  /** The site's webhook secrets (null: the site was deleted); the previous one signs until prev_until. */
  secret: string | null;
  secret_prev: string | null;
  secret_prev_until: number | null;
}

const DUE = `status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?2) AND (claimed_until IS NULL OR claimed_until <= ?2)`;

/**
 * Claims an alert in its site's shard, then reads the site's webhook secrets
 * from the directory (sites live in the first database, alerts in the site's
 * shard: one query cannot join them).
 */
export async function claim(db: D1Database, directory: D1Database, id: string, now: number): Promise<ClaimedAlert | null> {
  const a = await db
    .prepare(
      `UPDATE alerts SET attempts = attempts + 1, claimed_until = ?3
       WHERE id = ?1 AND ${DUE}
       RETURNING id, site_id, model, trigger_id, webhook, payload, attempts, claimed_until`,
    )
    .bind(id, now, now + LEASE_MS)
    .first<Omit<ClaimedAlert, "secret" | "secret_prev" | "secret_prev_until">>();
  if (!a) return null;
  const s = await directory
    .prepare("SELECT webhook_secret AS secret, webhook_secret_prev AS secret_prev, webhook_secret_prev_until AS secret_prev_until FROM sites WHERE id = ?1")
    .bind(a.site_id)
    .first<Pick<ClaimedAlert, "secret" | "secret_prev" | "secret_prev_until">>();
  return { ...a, secret: s?.secret ?? null, secret_prev: s?.secret_prev ?? null, secret_prev_until: s?.secret_prev_until ?? null };
}

/** Ids of alerts due at `now`, oldest due first (index alerts_due). */
export async function dueIds(db: D1Database, now: number, limit: number): Promise<string[]> {
  const r = await db
    .prepare(`SELECT id FROM alerts WHERE ${DUE.replaceAll("?2", "?1")} ORDER BY next_attempt_at LIMIT ?2`)
    .bind(now, limit)
    .all<{ id: string }>();
  return r.results.map((x) => x.id);
}

export type Outcome =
  | { kind: "delivered"; at: number }
  | { kind: "retry"; error: string; nextAt: number }
  | { kind: "failed"; error: string; requested: boolean }
  | { kind: "no_webhook" };

/** Writes the outcome of our claim; false when the claim was lost (lease expired and re-taken). */
export async function settle(db: D1Database, a: ClaimedAlert, o: Outcome): Promise<boolean> {
  const clip = (s: string) => s.slice(0, 500);
  let stmt: D1PreparedStatement;
  switch (o.kind) {
    case "delivered":
      stmt = db
        .prepare(`UPDATE alerts SET status = 'delivered', delivered_at = ?3, last_error = NULL, next_attempt_at = NULL, claimed_until = NULL WHERE id = ?1 AND claimed_until = ?2`)
        .bind(a.id, a.claimed_until, o.at);
      break;
    case "retry":
      stmt = db
        .prepare(`UPDATE alerts SET last_error = ?3, next_attempt_at = ?4, claimed_until = NULL WHERE id = ?1 AND claimed_until = ?2`)
        .bind(a.id, a.claimed_until, clip(o.error), o.nextAt);
      break;
    case "failed":
      // `attempts` counts requests sent: a URL refused before sending does not count.
      stmt = db
        .prepare(
          `UPDATE alerts SET status = 'failed', last_error = ?3, next_attempt_at = NULL, claimed_until = NULL, attempts = attempts - ?4 WHERE id = ?1 AND claimed_until = ?2`,
        )
        .bind(a.id, a.claimed_until, clip(o.error), o.requested ? 0 : 1);
      break;
    case "no_webhook":
      stmt = db
        .prepare(`UPDATE alerts SET status = 'no_webhook', next_attempt_at = NULL, claimed_until = NULL, attempts = attempts - 1 WHERE id = ?1 AND claimed_until = ?2`)
        .bind(a.id, a.claimed_until);
      break;
  }
  const r = await stmt.run();
  return (r.meta.changes ?? 0) > 0;
}

// ---- Admin views -------------------------------------------------------------------------

export interface AlertView {
  id: string;
  trigger: string;
  model: string;
  lead: { id: string; email: string | null; name: string | null };
  webhook: string | null;
  status: AlertStatus;
  attempts: number;
  /** A reason from the closed list in ./reasons, e.g. "HTTP 500", "no response". */
  lastError: string | null;
  /** The receiver's HTTP status behind lastError, when it answered. */
  lastStatus: number | null;
  nextAttemptAt: number | null;
  createdAt: number;
  deliveredAt: number | null;
}

interface AlertRow {
  id: string;
  trigger_id: string;
  model: string;
  lead_id: string;
  email: string | null;
  name: string | null;
  webhook: string | null;
  status: AlertStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  created_at: number;
  delivered_at: number | null;
}

const SELECT_VIEW = `SELECT a.id, a.trigger_id, a.model, a.lead_id, a.webhook, a.status, a.attempts, a.last_error,
    a.next_attempt_at, a.created_at, a.delivered_at,
    coalesce(l.email, json_extract(a.payload, '$.lead.email')) AS email,
    coalesce(l.name, json_extract(a.payload, '$.lead.name')) AS name
  FROM alerts a LEFT JOIN leads l ON l.id = a.lead_id`;

function toView(r: AlertRow): AlertView {
  return {
    id: r.id,
    trigger: r.trigger_id,
    model: r.model,
    lead: { id: r.lead_id, email: r.email, name: r.name },
    webhook: r.webhook,
    status: r.status,
    attempts: r.attempts,
    ...readReason(r.last_error),
    // A pending alert whose next attempt is due is "now" (the cron or the request sends it).
    nextAttemptAt: r.status === "pending" ? r.next_attempt_at : null,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}


/** Newest first, keyset pagination on (created_at desc, id desc) over index alerts_site. */
export async function listAlerts(
  db: D1Database,
  siteId: string,
  q: { status?: AlertStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ alerts: AlertView[]; cursor: string | null }> {
  const cur = decodeCursor(q.cursor);
  const r = await db
    .prepare(
      `${SELECT_VIEW}
       WHERE a.site_id = ?1 AND (?2 IS NULL OR a.status = ?2)
         AND (?3 IS NULL OR a.created_at < ?3 OR (a.created_at = ?3 AND a.id < ?4))
       ORDER BY a.created_at DESC, a.id DESC LIMIT ?5`,
    )
    .bind(siteId, q.status ?? null, cur?.k ?? null, cur?.id ?? "", q.limit + 1)
    .all<AlertRow>();
  const page = r.results.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    alerts: page.map(toView),
    cursor: r.results.length > q.limit && last ? encodeCursor({ k: last.created_at, id: last.id }) : null,
  };
}

export async function getAlert(db: D1Database, siteId: string, id: string): Promise<AlertView | null> {
  const r = await db.prepare(`${SELECT_VIEW} WHERE a.site_id = ?1 AND a.id = ?2`).bind(siteId, id).first<AlertRow>();
  return r ? toView(r) : null;
}

/**
 * Manual resend of a `failed` alert: back to `pending`, due now, with a fresh budget of
 * attempts (a resend usually follows a fix on the receiver's side). The webhook is taken again
 * from the trigger of the model's current version when it still exists, so fixing the URL in the
 * model and retrying works; it is checked against the URL policy again at send time.
 * Returns false when the alert is not `failed` (pending, delivered and no_webhook ones are left alone).
 */
export async function resetForRetry(db: D1Database, siteId: string, id: string, now: number): Promise<boolean> {
  const row = await db
    .prepare(
      `SELECT a.trigger_id, a.webhook, m.document FROM alerts a LEFT JOIN models m ON m.site_id = a.site_id AND m.name = a.model
       WHERE a.site_id = ?1 AND a.id = ?2 AND a.status = 'failed'`,
    )
    .bind(siteId, id)
    .first<{ trigger_id: string; webhook: string | null; document: string | null }>();
  if (!row) return false;
  const webhook = currentWebhook(row.document, row.trigger_id) ?? row.webhook;
  const r = await db
    .prepare(
      `UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = ?3, claimed_until = NULL, webhook = ?4
       WHERE site_id = ?1 AND id = ?2 AND status = 'failed'`,
    )
    .bind(siteId, id, now, webhook)
    .run();
  return (r.meta.changes ?? 0) > 0;
}

function currentWebhook(document: string | null, triggerId: string): string | null {
  if (!document) return null;
  try {
    const doc = JSON.parse(document) as { triggers?: { id?: unknown; webhook?: unknown }[] };
    const t = Array.isArray(doc.triggers) ? doc.triggers.find((x) => x && x.id === triggerId) : undefined;
    return typeof t?.webhook === "string" ? t.webhook : null;
  } catch {
    return null;
  }
}
