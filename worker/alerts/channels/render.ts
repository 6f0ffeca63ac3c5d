// The body each HTTP channel posts: the signed webhook's SPEC §7 JSON, or a chat service's own
// incoming-webhook message built from the same stored payload (so every attempt sends the same bytes).
import type { ChannelSpec, UrlChannelKind } from "../../scoring/channels";
import { type AlertPayload, webhookBody } from "../sign";
import { alertContent } from "./content";
import { discordMessage } from "./discord";
import { googleChatMessage } from "./google-chat";
import { slackMessage } from "./slack";
import { teamsMessage } from "./teams";

export function chatMessage(kind: UrlChannelKind, p: AlertPayload, publicUrl?: string | null): unknown {
  const c = alertContent(p, publicUrl);
  switch (kind) {
    case "slack":
      return slackMessage(c);
    case "teams":
      return teamsMessage(c);
    case "google_chat":
      return googleChatMessage(c, p.id);
    case "discord":
      return discordMessage(c);
  }
}

/** The raw body of an HTTP channel's request (null channel: the signed webhook). */
export function httpBody(channel: ChannelSpec | null, p: AlertPayload, publicUrl?: string | null): string {
  if (!channel) return webhookBody(p);
  if (channel.channel === "email") throw new Error("email is not an HTTP channel");
  return JSON.stringify(chatMessage(channel.channel, p, publicUrl));
}

/** alerts.channel as stored by the outbox; anything unreadable is the webhook. */
export function storedChannel(json: string | null): ChannelSpec | null {
  if (!json) return null;
  try {
    const c = JSON.parse(json) as ChannelSpec;
    return c && typeof c === "object" && typeof c.channel === "string" ? c : null;
  } catch {
    return null;
  }
}
