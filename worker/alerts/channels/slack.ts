// Slack incoming webhook: a `text` fallback (notifications, old clients) and Block Kit blocks.
// https://api.slack.com/messaging/webhooks, https://api.slack.com/block-kit
import { type AlertContent, contactLine, whyLine } from "./content";

/** Slack's mrkdwn treats &, < and > as control characters. */
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function slackMessage(c: AlertContent) {
  const blocks: unknown[] = [
    // A header holds at most 150 characters; a name may be up to 200.
    { type: "header", text: { type: "plain_text", text: c.title.slice(0, 150), emoji: true } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Who*\n${esc(c.who)}` },
        { type: "mrkdwn", text: `*Contact*\n${esc(contactLine(c))}` },
        { type: "mrkdwn", text: `*Why*\n${esc(whyLine(c))}` },
        { type: "mrkdwn", text: `*Trigger*\n${esc(c.trigger)} (${esc(c.model)})` },
      ],
    },
  ];
  if (c.link) blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the lead" }, url: c.link }] });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `EdgeScore · ${c.identity ?? "anonymous"} contact data` }] });
  return { text: esc(`${c.title} — ${c.trigger}`), blocks };
}
