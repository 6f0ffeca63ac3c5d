// The webhook request body and its signature (SPEC §7).
//
// Body: the payload stored with the alert when it fired (`{id, site, model, trigger, lead, events,
// ts}`) plus a Slack-compatible `text` line, serialised once per attempt from the same stored
// payload, so every attempt carries the same bytes. Signature: `sha256=` + hex HMAC-SHA256 of
// exactly those bytes under the site's webhook secret. During the grace period after a rotation
// (POST /v1/admin/keys/rotate) the header lists two, Stripe-style, the new secret's first:
// `sha256=<new>,sha256=<old>`; a receiver accepts any listed signature, so one that still
// knows only the old secret keeps working until it is updated.
import { hmacSha256Hex } from "../lib/crypto";

export const SIGNATURE_HEADER = "X-EdgeScore-Signature";
export const DELIVERY_HEADER = "X-EdgeScore-Delivery";
export const USER_AGENT = "EdgeScore-Webhooks/1";

export interface AlertPayload {
  id: string;
  site: string;
  model?: string;
  trigger: string;
  lead: { id: string; email: string | null; identity?: string | null; name: string | null; phone: string | null; score: number; tier: string; code: number };
  events: { type: string; name?: string | null; url?: string | null; ts: number }[];
  ts: number;
  /** Issue 14, for the other channels (the webhook body leaves them out): the rules that scored most. */
  why?: { rule: string; points: number; hits: number }[];
  /** Email triggers: the vehicle of interest from the traits the trigger names (ADF). */
  vehicle?: { year: string | null; make: string | null; model: string | null };
}

export async function signature(secret: string, rawBody: string): Promise<string> {
  return "sha256=" + (await hmacSha256Hex(secret, rawBody));
}

export interface SiteSecrets {
  secret: string;
  prev: string | null;
  prevUntil: number | null;
}

/** The secrets that sign at `now`: the current one, and the previous one until its grace ends. */
export function signingSecrets(s: SiteSecrets, now: number): string[] {
  return s.prev && s.prevUntil !== null && now < s.prevUntil ? [s.secret, s.prev] : [s.secret];
}

/** The X-EdgeScore-Signature value: one `sha256=<hex>` per secret, in order, comma-separated. */
export async function signatureHeader(secrets: readonly string[], rawBody: string): Promise<string> {
  return (await Promise.all(secrets.map((s) => signature(s, rawBody)))).join(",");
}

/** Slack escapes: `&`, `<` and `>` are control characters in its message text. */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** "🔥 Sam Buyer (+1 555 0199, sam@example.com) is hot: 40 points — test-drive" */
export function alertText(p: AlertPayload): string {
  const lead = p.lead ?? ({} as AlertPayload["lead"]);
  const who = lead.name || lead.email || lead.phone || `Lead ${lead.id}`;
  const contact = [lead.phone, lead.email].filter((x): x is string => !!x && x !== who);
  const points = Math.round((lead.score ?? 0) * 10) / 10;
  const text = `🔥 ${who}${contact.length ? ` (${contact.join(", ")})` : ""} is ${lead.tier}: ${points} points — ${p.trigger}`;
  return slackEscape(text);
}

/** The SPEC §7 body, unchanged by issue 14: the channels' extra fields stay out of it. */
export function webhookBody(p: AlertPayload): string {
  const { why: _why, vehicle: _vehicle, ...spec } = p;
  return JSON.stringify({ ...spec, text: alertText(p) });
}
