// Alert delivery: a signed POST to the trigger's webhook, at most once at a time per alert.
//
// Two drivers, one code path (deliverAlert):
// - right after the request that fired the alert: the collect and admin-events routes hand
//   `ingest`'s alert ids to `c.executionCtx.waitUntil(deliverAlerts(…))`, so a receiver hears
//   about a hot lead within a fraction of a second;
// - the cron (worker/scheduled.ts, every minute): deliverDue() retries what failed once its
//   backoff has elapsed, and picks up anything a request could not send (isolate evicted,
//   waitUntil cut short) once its lease has expired.
//
// Why the cron rather than Queues: the outbox is already a D1 table written in the same batch
// as the score change (so an alert can never be lost between "scored" and "enqueued"); retries
// need per-alert delays of minutes to hours that the table expresses directly
// (`next_attempt_at`), and the cron already runs every minute for rescoring, locally too
// (`wrangler dev --test-scheduled`). A Queue would add a second copy of the state to keep in
// step, a consumer, and (on the free plan) a paid product, for no gain at these volumes.
import type { Bindings } from "../env";
import { checkWebhookUrl } from "../net/webhook-url";
import { MAX_ATTEMPTS, retryDelayMs } from "./backoff";
import { storedChannel } from "./channels/render";
import type { EmailEnv } from "./channels/send-email";
import { REFUSED_BY_POLICY, SITE_DELETED } from "./reasons";
import { sendOnce } from "./send";
import { signingSecrets, type AlertPayload } from "./sign";
import { claim, dueIds, settle, type ClaimedAlert, type Outcome } from "./store";

export const ATTEMPT_TIMEOUT_MS = 5_000;

export interface DeliverOptions {
  /** The clock (tests move it past `next_attempt_at`). */
  now?: () => number;
  /** Per-attempt timeout, 5 s by default. */
  timeoutMs?: number;
  random?: () => number;
}

export type DeliveryResult = "not_claimed" | Outcome["kind"] | "lost_claim";

/** `DB`: the shard holding the alerts; `directory`: where sites (their secrets) are, DB when absent. */
export type AlertEnv = Pick<Bindings, "DB" | "ENVIRONMENT"> & { directory?: D1Database } & EmailEnv;
type Env = AlertEnv;

/** One attempt for one alert, if it is due and nobody else holds it. Never throws. */
export async function deliverAlert(env: Env, id: string, opts: DeliverOptions = {}): Promise<DeliveryResult> {
  const now = opts.now ?? Date.now;
  try {
    const a = await claim(env.DB, env.directory ?? env.DB, id, now());
    if (!a) return "not_claimed";
    const outcome = await attempt(env, a, opts, now);
    const kept = await settle(env.DB, a, outcome);
    return kept ? outcome.kind : "lost_claim";
  } catch (err) {
    // D1 unavailable or similar: the lease expires and the cron tries again.
    console.error(`alert ${id}: delivery error: ${err instanceof Error ? err.message : String(err)}`);
    return "not_claimed";
  }
}

/** The alerts one request fired, in parallel (usually one). */
export async function deliverAlerts(env: Env, ids: string[], opts: DeliverOptions = {}): Promise<DeliveryResult[]> {
  return Promise.all(ids.map((id) => deliverAlert(env, id, opts)));
}

/** The cron's share: every due alert, a few at a time, within a time budget. */
export async function deliverDue(
  env: Env,
  opts: DeliverOptions & { budgetMs?: number; limit?: number; concurrency?: number } = {},
): Promise<{ attempted: number; results: Partial<Record<DeliveryResult, number>> }> {
  const now = opts.now ?? Date.now;
  const started = Date.now();
  const budget = opts.budgetMs ?? 20_000;
  const ids = await dueIds(env.DB, now(), opts.limit ?? 100);
  const results: Partial<Record<DeliveryResult, number>> = {};
  let next = 0;
  // Workers allow 6 simultaneous outgoing connections per invocation.
  const worker = async () => {
    while (next < ids.length && Date.now() - started < budget) {
      const r = await deliverAlert(env, ids[next++]!, opts);
      results[r] = (results[r] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 6, ids.length) }, worker));
  return { attempted: Object.values(results).reduce((s, n) => s + (n ?? 0), 0), results };
}

async function attempt(env: Env, a: ClaimedAlert, opts: DeliverOptions, now: () => number): Promise<Outcome> {
  const startedAt = now();
  const channel = storedChannel(a.channel);
  if (channel?.channel !== "email" && !a.webhook) return { kind: "no_webhook" };
  if (channel?.channel !== "email" && checkWebhookUrl(a.webhook ?? "", { allowHttpLocalhost: env.ENVIRONMENT === "dev" }))
    return { kind: "failed", error: REFUSED_BY_POLICY, requested: false };
  if (!a.secret) return { kind: "failed", error: SITE_DELETED, requested: false };
  const secrets = signingSecrets({ secret: a.secret, prev: a.secret_prev, prevUntil: a.secret_prev_until }, startedAt);
  const target = { siteId: a.site_id, channel, url: a.webhook, secrets };
  const { reason: error } = await sendOnce(env, target, JSON.parse(a.payload) as AlertPayload, opts.timeoutMs ?? ATTEMPT_TIMEOUT_MS);
  if (error === null) return { kind: "delivered", at: now() };
  if (a.attempts >= MAX_ATTEMPTS) return { kind: "failed", error, requested: true };
  // Counted from the attempt's start, not its end: how long the receiver took must not show.
  return { kind: "retry", error, nextAt: startedAt + retryDelayMs(a.attempts, opts.random) };
}

