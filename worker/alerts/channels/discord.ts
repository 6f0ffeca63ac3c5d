// Discord webhook: one embed. https://discord.com/developers/docs/resources/webhook#execute-webhook
import { type AlertContent, contactLine, mdText, whyLine } from "./content";

/** Discord's embed colour for a hot lead (orange-red), as an integer. */
export const HOT_COLOUR = 0xe8590c;

export function discordMessage(c: AlertContent) {
  return {
    // Never ping: a lead's name is untrusted text and could hold "@everyone".
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: c.title,
        ...(c.link ? { url: c.link } : {}),
        color: HOT_COLOUR,
        fields: [
          { name: "Who", value: mdText(c.who), inline: true },
          { name: "Contact", value: mdText(contactLine(c)), inline: true },
          { name: "Why", value: whyLine(c) },
          { name: "Trigger", value: `${c.trigger} (${c.model})` },
        ],
        timestamp: new Date(c.ts).toISOString(),
        footer: { text: "EdgeScore" },
      },
    ],
  };
}
