// One send of an alert through its channel: the signed webhook or a chat service (a POST, checked
// against the URL policy first), or email (the send_email binding). Used by the outbox's attempts
// and by the trigger test button, so a test goes exactly the way a real alert would.
import type { ChannelSpec } from "../scoring/channels";
import { checkWebhookUrl } from "../net/webhook-url";
import { siteNameOf } from "../store/sites";
import { httpBody } from "./channels/render";
import { sendAlertEmail, type EmailEnv } from "./channels/send-email";
import { postStatus } from "./post";
import { REFUSED_BY_POLICY } from "./reasons";
import { DELIVERY_HEADER, SIGNATURE_HEADER, USER_AGENT, signatureHeader, type AlertPayload } from "./sign";

export type SendEnv = EmailEnv & { DB: D1Database; directory?: D1Database | undefined; ENVIRONMENT?: string | undefined };

export interface SendTarget {
  siteId: string;
  channel: ChannelSpec | null;
  /** The URL of the webhook or chat channel; null for email. */
  url: string | null;
  /** The site's signing secrets, current first. */
  secrets: string[];
}

/**
 * `reason` null: accepted. `refused`: nothing was sent (the URL policy). `status`: the receiver's
 * HTTP status when it answered (null for email and for no answer).
 */
export async function sendOnce(env: SendEnv, t: SendTarget, payload: AlertPayload, timeoutMs: number): Promise<{ status: number | null; reason: string | null; refused: boolean }> {
  if (t.channel?.channel === "email") {
    const site = await siteNameOf(env.directory ?? env.DB, t.siteId);
    return { status: null, reason: await sendAlertEmail(env, t.channel, payload, site?.name ?? "EdgeScore"), refused: false };
  }
  // Checked at send time too: the row may predate the policy or have been changed elsewhere.
  if (!t.url || checkWebhookUrl(t.url, { allowHttpLocalhost: env.ENVIRONMENT === "dev" })) return { status: null, reason: REFUSED_BY_POLICY, refused: true };
  const body = httpBody(t.channel, payload, env.PUBLIC_URL);
  // Chat services ignore the signature; it costs nothing and lets a relay of the site's own verify.
  const r = await postStatus(
    t.url,
    body,
    {
      "Content-Type": "application/json",
      "User-Agent": USER_AGENT,
      [SIGNATURE_HEADER]: await signatureHeader(t.secrets, body),
      [DELIVERY_HEADER]: payload.id,
    },
    timeoutMs,
  );
  return { ...r, refused: false };
}
