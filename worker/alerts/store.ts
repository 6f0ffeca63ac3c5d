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
import * as store from "../store/alerts";
import { webhookSecretsOf, type WebhookSecrets } from "../store/sites";
import type { ChannelKind } from "../scoring/channels";
import { storedChannel } from "./channels/render";
import { readReason } from "./reasons";
export type AlertStatus = "pending" | "delivered" | "failed" | "no_webhook";
export const ALERT_STATUSES: AlertStatus[] = ["pending", "delivered", "failed", "no_webhook"];

/** Longer than one attempt (5 s timeout) plus D1 round trips, with a wide margin. */
export const LEASE_MS = 60_000;

/** A claimed alert and its site's webhook secrets (null: the site was deleted); the previous one signs until prev_until. */
export type ClaimedAlert = store.ClaimRow & { [K in keyof WebhookSecrets]: WebhookSecrets[K] | null };

/**
 * Claims an alert in its site's shard, then reads the site's webhook secrets
 * from the directory (sites live in the first database, alerts in the site's
 * shard: one query cannot join them).
 */
export async function claim(db: D1Database, directory: D1Database, id: string, now: number): Promise<ClaimedAlert | null> {
  const a = await store.claimAlert(db, id, now, now + LEASE_MS);
  if (!a) return null;
  const s = await webhookSecretsOf(directory, a.site_id);
  return { ...a, secret: s?.secret ?? null, secret_prev: s?.secret_prev ?? null, secret_prev_until: s?.secret_prev_until ?? null };
}

/** Ids of alerts due at `now`, oldest due first. */
export const dueIds = store.dueAlertIds;

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
      stmt = store.markDelivered(db, a.id, a.claimed_until, o.at);
      break;
    case "retry":
      stmt = store.markRetry(db, a.id, a.claimed_until, clip(o.error), o.nextAt);
      break;
    case "failed":
      // `attempts` counts requests sent: a URL refused before sending does not count.
      stmt = store.markFailed(db, a.id, a.claimed_until, clip(o.error), o.requested ? 0 : 1);
      break;
    case "no_webhook":
      stmt = store.markNoWebhook(db, a.id, a.claimed_until);
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
  /** Issue 14: `webhook` (the signed webhook), `email`, `slack`, `teams`, `google_chat` or `discord`. */
  channel: ChannelKind;
  /** The email channel's addresses; null for the others (their URL is `webhook`). */
  to: string[] | null;
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

function toView(r: store.AlertViewRow): AlertView {
  const ch = storedChannel(r.channel);
  return {
    id: r.id,
    trigger: r.trigger_id,
    model: r.model,
    lead: { id: r.lead_id, email: r.email, name: r.name },
    webhook: r.webhook,
    channel: ch?.channel ?? "webhook",
    to: ch?.channel === "email" ? ch.to : null,
    // Only this module and the outbox write the column, always one of ALERT_STATUSES.
    status: r.status as AlertStatus,
    attempts: r.attempts,
    ...readReason(r.last_error),
    // A pending alert whose next attempt is due is "now" (the cron or the request sends it).
    nextAttemptAt: r.status === "pending" ? r.next_attempt_at : null,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}


/** Newest first, keyset pagination on (created_at desc, id desc). */
export async function listAlerts(
  db: D1Database,
  siteId: string,
  q: { status?: AlertStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ alerts: AlertView[]; cursor: string | null }> {
  const cur = decodeCursor(q.cursor);
  const rows = await store.alertPage(db, siteId, q.status ?? null, cur ? { createdAt: cur.k, id: cur.id } : null, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    alerts: page.map(toView),
    cursor: rows.length > q.limit && last ? encodeCursor({ k: last.created_at, id: last.id }) : null,
  };
}

export async function getAlert(db: D1Database, siteId: string, id: string): Promise<AlertView | null> {
  const r = await store.alertView(db, siteId, id);
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
  const row = await store.failedAlert(db, siteId, id);
  if (!row) return false;
  const webhook = currentWebhook(row.document, row.trigger_id) ?? row.webhook;
  const r = await store.resetFailed(db, siteId, id, now, webhook).run();
  return (r.meta.changes ?? 0) > 0;
}

function currentWebhook(document: string | null, triggerId: string): string | null {
  if (!document) return null;
  try {
    const doc = JSON.parse(document) as { triggers?: { id?: unknown; webhook?: unknown }[] };
    const t = Array.isArray(doc.triggers) ? doc.triggers.find((x) => x && x.id === triggerId) : undefined;
    // A chat channel's address is its `url` (issue 14).
    const url = typeof t?.webhook === "string" ? t.webhook : (t as { url?: unknown } | undefined)?.url;
    return typeof url === "string" ? url : null;
  } catch {
    return null;
  }
}
