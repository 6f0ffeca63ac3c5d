// The daily digest (issue 14): one email per model that asks for one (`digest` in the model
// document), with yesterday's new hot leads (the alerts its triggers fired), conversions and
// movers, sent from the model's local hour on. The cron runs every minute, maybe in several
// isolates at once: each (site, model, local day) is claimed in the directory with one
// conditional upsert, so one run sends it and the others skip it; a failed send gives the claim
// back for a later run (at most MAX_ATTEMPTS per day).
import type { Digest } from "../scoring/channels";
import * as store from "../store/digests";
import { siteNameOf } from "../store/sites";
import { digestSubject, digestText, type DigestReport } from "./digest-text";
import { DEFAULT_FROM, bindingSender, type EmailEnv } from "./channels/send-email";
import { messageId, mimeMessage } from "./channels/email";
import { EMAIL_NOT_CONFIGURED, EMAIL_REFUSED } from "./reasons";
import { dayBefore, localMidnight, localNow } from "./digest-time";

export const DIGEST_LEASE_MS = 5 * 60_000;
export const DIGEST_RETRY_MS = 10 * 60_000;
export const MAX_DIGEST_ATTEMPTS = 5;
const LIST = 20;

export type DigestEnv = EmailEnv & { directory: D1Database };

export type DigestResult = "sent" | "not_due" | "not_claimed" | "failed";

/** Every digest of one shard that is due at `now`. Never throws. */
export async function sendDigests(env: DigestEnv, db: D1Database, now: number): Promise<DigestResult[]> {
  try {
    const { results } = await store.digestModels(db);
    return await Promise.all(
      results.map((m) => {
        let d: Digest;
        try {
          d = JSON.parse(m.digest) as Digest;
        } catch {
          return "not_due" as const;
        }
        return sendDigest(env, db, m.site_id, m.name, d, now);
      }),
    );
  } catch (err) {
    console.error(`digests: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

export async function sendDigest(env: DigestEnv, db: D1Database, siteId: string, model: string, d: Digest, now: number): Promise<DigestResult> {
  const local = localNow(now, d.timezone);
  if (local.hour < d.hour) return "not_due";
  const claim = await store.claimDigest(env.directory, siteId, model, local.date, now, now + DIGEST_LEASE_MS, MAX_DIGEST_ATTEMPTS);
  if (!claim || claim.claimed_until === null) return "not_claimed";
  const lease = claim.claimed_until;
  const yesterday = dayBefore(local.date);
  const from = localMidnight(yesterday, d.timezone);
  const to = localMidnight(local.date, d.timezone);
  const report = await digestReport(env, db, siteId, model, yesterday, from, to);
  const error = await sendDigestEmail(env, d, report, `${siteId}.${model}.${local.date}`);
  if (error === null) {
    await store.markDigestSent(env.directory, siteId, model, local.date, lease, now).run();
    return "sent";
  }
  await store.markDigestFailed(env.directory, siteId, model, local.date, lease, error, now + DIGEST_RETRY_MS).run();
  return "failed";
}

async function digestReport(env: DigestEnv, db: D1Database, siteId: string, model: string, day: string, from: number, to: number): Promise<DigestReport> {
  const [site, alerts, conversions, movers] = await Promise.all([
    siteNameOf(env.directory, siteId),
    store.digestAlerts(db, siteId, model, from, to, LIST),
    store.digestConversions(db, siteId, from, to, LIST),
    store.digestMovers(db, siteId, model, from, to, 5),
  ]);
  return {
    site: site?.name ?? siteId,
    model,
    day,
    hot: alerts.results.map((a) => ({ leadId: a.lead_id, who: a.name || a.email || a.phone || `Lead ${a.lead_id}`, contact: [a.phone, a.email].filter(Boolean).join(" · "), trigger: a.trigger_id, score: a.score })),
    conversions: conversions.results.map((c) => ({ leadId: c.lead_id, who: c.name || c.email || `Lead ${c.lead_id}`, value: c.value })),
    movers: movers.results.map((m) => ({ leadId: m.lead_id, who: m.name || m.email || m.phone || `Lead ${m.lead_id}`, score: m.score, interest: m.interest, tier: m.tier })),
    link: env.PUBLIC_URL ? `${env.PUBLIC_URL.replace(/\/+$/, "")}/dashboard/?model=${encodeURIComponent(model)}` : null,
  };
}

async function sendDigestEmail(env: DigestEnv, d: Digest, r: DigestReport, key: string): Promise<string | null> {
  const send = env.sendEmail ?? (env.EMAIL ? bindingSender(env.EMAIL) : null);
  if (!send) return EMAIL_NOT_CONFIGURED;
  const from = env.ALERT_FROM || DEFAULT_FROM;
  const body = digestText(r);
  for (const [n, to] of d.to.entries()) {
    const raw = mimeMessage({ from, to, subject: digestSubject(r), body, messageId: messageId(`digest.${key}`, n, from), deliveryId: `digest.${key}` });
    try {
      await send(from, to, raw);
    } catch (err) {
      console.error(`digest ${key}: email not accepted: ${err instanceof Error ? err.message : String(err)}`);
      return EMAIL_REFUSED;
    }
  }
  return null;
}
