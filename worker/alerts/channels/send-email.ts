// The email channel's attempt: one MIME message per address through the send_email binding.
// Email Routing delivers only to verified destination addresses (README "Deploy").
import { EmailMessage } from "cloudflare:email";
import type { ChannelSpec } from "../../scoring/channels";
import { EMAIL_NOT_CONFIGURED, EMAIL_REFUSED } from "../reasons";
import type { AlertPayload } from "../sign";
import { adfXml } from "./adf";
import { alertContent } from "./content";
import { alertSubject, alertText, messageId, mimeMessage } from "./email";

/** Sends one raw MIME message; the default goes through the binding, tests may wrap it. */
export type EmailSender = (from: string, to: string, raw: string) => Promise<void>;

export const DEFAULT_FROM = "alerts@edgescore.example";

export interface EmailEnv {
  EMAIL?: SendEmail | undefined;
  ALERT_FROM?: string | undefined;
  PUBLIC_URL?: string | undefined;
  sendEmail?: EmailSender | undefined;
}

export function bindingSender(binding: SendEmail): EmailSender {
  return async (from, to, raw) => {
    await binding.send(new EmailMessage(from, to, raw));
  };
}

/** The messages of one attempt, in order (exported for the test button and the tests). */
export function alertEmails(
  ch: Extract<ChannelSpec, { channel: "email" }>,
  p: AlertPayload,
  opts: { from: string; siteName: string; publicUrl?: string | undefined },
): { to: string; raw: string }[] {
  const content = alertContent(p, opts.publicUrl);
  const body =
    ch.format === "adf"
      ? adfXml({ alertId: p.id, content, vehicle: p.vehicle ?? null, interest: ch.interest ?? "buy", vendor: { name: opts.siteName, email: ch.to[0] ?? opts.from } })
      : alertText(content);
  return ch.to.map((to, n) => ({
    to,
    raw: mimeMessage({ from: opts.from, to, subject: alertSubject(content), body, messageId: messageId(p.id, n, opts.from), deliveryId: p.id }),
  }));
}

/**
 * null when every address was accepted. With several addresses, a retry after a partial failure
 * sends to all again; the same Message-ID lets the receiving mail systems drop the copy.
 */
export async function sendAlertEmail(env: EmailEnv, ch: Extract<ChannelSpec, { channel: "email" }>, p: AlertPayload, siteName: string): Promise<string | null> {
  const send = env.sendEmail ?? (env.EMAIL ? bindingSender(env.EMAIL) : null);
  if (!send) return EMAIL_NOT_CONFIGURED;
  const from = env.ALERT_FROM || DEFAULT_FROM;
  for (const m of alertEmails(ch, p, { from, siteName, publicUrl: env.PUBLIC_URL })) {
    try {
      await send(from, m.to, m.raw);
    } catch (err) {
      // The binding's message (unverified destination, bad sender) is ours to log, not to store.
      console.error(`alert ${p.id}: email not accepted: ${err instanceof Error ? err.message : String(err)}`);
      return EMAIL_REFUSED;
    }
  }
  return null;
}
