// Alert emails (issue 14): MIME built with mimetext (as Cloudflare's send_email docs do), one
// message per recipient (EmailMessage carries one envelope recipient). The body is a short human
// text, or an ADF 1.0 XML lead for dealer CRMs. The Message-ID is the alert's id: every attempt
// sends the same id, so a mail system that saw an earlier attempt can drop the copy.
// The browser build: the same API without mime-types (its 200 KB MIME database) and node:os.
import { createMimeMessage } from "mimetext/browser";
import { type AlertContent, contactLine, whyLine } from "./content";

export interface MimeInput {
  from: string;
  to: string;
  subject: string;
  body: string;
  /** Unique per alert and recipient: `<al_….0@from-domain>`. */
  messageId: string;
  deliveryId: string;
}

/** RFC 2045 base64, 76-character lines: the body is UTF-8 (names, the 🔥), not 7-bit text. */
function base64Lines(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return (btoa(bin).match(/.{1,76}/g) ?? []).join("\r\n");
}

export function mimeMessage(m: MimeInput): string {
  const msg = createMimeMessage();
  msg.setSender({ name: "EdgeScore alerts", addr: m.from });
  msg.setRecipient(m.to);
  msg.setSubject(m.subject);
  msg.setHeader("Message-ID", m.messageId);
  // RFC 3834: an automatic message; out-of-office replies are not sent back to it.
  msg.setHeader("Auto-Submitted", "auto-generated");
  msg.setHeader("X-EdgeScore-Delivery", m.deliveryId);
  msg.addMessage({ contentType: "text/plain", data: base64Lines(m.body), encoding: "base64" });
  return msg.asRaw();
}

export const messageId = (alertId: string, n: number, from: string) => `<${alertId}.${n}@${from.split("@")[1] ?? "edgescore"}>`;

export const alertSubject = (c: AlertContent) => `${c.title} — ${c.trigger}`;

export function alertText(c: AlertContent): string {
  return [
    `${c.who} is ${c.tier}: ${c.score} points (${c.trigger}, model ${c.model}).`,
    "",
    `Why: ${whyLine(c)}`,
    `Reach them: ${contactLine(c)}${c.identity === "claimed" ? " (entered in the browser, not verified)" : ""}`,
    ...(c.link ? [`Open the lead: ${c.link}`] : []),
    "",
    "— EdgeScore",
    "",
  ].join("\n");
}
