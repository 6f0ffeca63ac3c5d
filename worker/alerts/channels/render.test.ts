// A lead's name and contact come from a browser: every chat message shows them as text only,
// never as a link or formatting of the service (threat model: beacon data is rendered as text).
import { describe, expect, it } from "vitest";
import type { AlertPayload } from "../sign";
import { chatMessage } from "./render";

const evil = "[Claim your prize](https://evil.example) <https://evil.example|click> *now* @everyone";
const payload: AlertPayload = {
  id: "al_1",
  site: "site_1",
  model: "dealer",
  trigger: "test-drive",
  lead: { id: "ld_1", email: "a_b@example.com", name: evil, phone: null, score: 40, tier: "hot", code: 40 },
  events: [],
  ts: 0,
  why: [{ rule: "directions", points: 20, hits: 1 }],
};

describe("untrusted lead text in chat messages", () => {
  it("Slack: <, > and & escaped wherever mrkdwn is parsed (no <url|label> link); the header is plain_text", () => {
    const m = chatMessage("slack", payload) as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: { text: string }[] }[] };
    expect(m.text).not.toContain("<https://evil.example|click>");
    expect(m.text).toContain("&lt;https://evil.example|click&gt;");
    expect(m.blocks[1]!.fields![0]!.text).toBe("*Who*\n[Claim your prize](https://evil.example) &lt;https://evil.example|click&gt; *now* @everyone");
    expect(m.blocks[0]!.text!.type).toBe("plain_text");
  });

  it("Teams and Discord: markdown escaped, so no masked link; Discord pings nobody", () => {
    const teams = chatMessage("teams", payload) as { attachments: { content: { body: [{ text: string }, { facts: { value: string }[] }] } }[] };
    const card = teams.attachments[0]!.content;
    expect(card.body[0].text).toBe("🔥 \\[Claim your prize\\]\\(https://evil.example\\) \\<https://evil.example\\|click\\> \\*now\\* @everyone is hot: 40 points");
    expect(card.body[1].facts[1]!.value).toBe("a\\_b@example.com");
    const discord = chatMessage("discord", payload) as { allowed_mentions: unknown; embeds: { fields: { value: string }[] }[] };
    expect(discord.embeds[0]!.fields[0]!.value).toBe("\\[Claim your prize\\]\\(https://evil.example\\) \\<https://evil.example\\|click\\> \\*now\\* @everyone");
    expect(discord.allowed_mentions).toEqual({ parse: [] });
  });

  it("Google Chat: HTML escaped in the card, no angle brackets in the text", () => {
    const g = chatMessage("google_chat", payload) as { text: string; cardsV2: { card: { sections: { widgets: { decoratedText?: { text: string } }[] }[] } }[] };
    expect(g.text).not.toMatch(/[<>]/);
    expect(g.cardsV2[0]!.card.sections[0]!.widgets[0]!.decoratedText!.text).toBe("[Claim your prize](https://evil.example) &lt;https://evil.example|click&gt; *now* @everyone");
  });
});
