// Google Chat incoming webhook: a `text` fallback and one card (cardsV2).
// https://developers.google.com/workspace/chat/api/reference/rest/v1/cards
import { type AlertContent, contactLine, htmlText, whyLine } from "./content";

export function googleChatMessage(c: AlertContent, alertId: string) {
  const widgets: unknown[] = [
    { decoratedText: { topLabel: "Who", text: htmlText(c.who) } },
    { decoratedText: { topLabel: "Contact", text: htmlText(contactLine(c)) } },
    { decoratedText: { topLabel: "Why", text: whyLine(c) } },
    { decoratedText: { topLabel: "Trigger", text: `${c.trigger} (${c.model})` } },
  ];
  if (c.link) widgets.push({ buttonList: { buttons: [{ text: "Open the lead", onClick: { openLink: { url: c.link } } }] } });
  return {
    // Chat's message text links `<url|label>`: no angle brackets from a lead's name reach it.
    text: `${c.title} — ${c.trigger}`.replace(/[<>]/g, ""),
    cardsV2: [{ cardId: alertId, card: { header: { title: c.title, subtitle: `EdgeScore · ${c.model}` }, sections: [{ widgets }] } }],
  };
}
