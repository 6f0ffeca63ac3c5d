// Microsoft Teams incoming webhook (Workflows): a message carrying one Adaptive Card 1.4.
// https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
import { type AlertContent, contactLine, mdText, whyLine } from "./content";

export function teamsMessage(c: AlertContent) {
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: mdText(c.title), weight: "Bolder", size: "Medium", wrap: true },
      {
        type: "FactSet",
        facts: [
          { title: "Who", value: mdText(c.who) },
          { title: "Contact", value: mdText(contactLine(c)) },
          { title: "Why", value: whyLine(c) },
          { title: "Trigger", value: `${c.trigger} (${c.model})` },
        ],
      },
    ],
    ...(c.link ? { actions: [{ type: "Action.OpenUrl", title: "Open the lead", url: c.link }] } : {}),
  };
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}
