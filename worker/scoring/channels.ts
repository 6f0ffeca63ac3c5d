/**
 * Where a trigger's alerts go (issue 14) and the model's daily digest: the document's fields,
 * their checks and their normalised form.
 *
 * A trigger's channel is written beside its other fields, as the issue shows it:
 *   `{"id", "when", "webhook": "https://…"}`                          the signed webhook (default)
 *   `{"id", "when", "channel": "email", "to": ["sales@…"], "format": "text" | "adf"}`
 *   `{"id", "when", "channel": "slack" | "teams" | "google_chat" | "discord", "url": "https://…"}`
 * An email trigger may name the traits that hold the vehicle of interest for ADF
 * (`"vehicle": {"year": "car_year", "make": "car_make", "model": "car"}`, default the traits
 * vehicle_year, vehicle_make, vehicle_model) and the ADF interest (`"interest": "test-drive"`).
 *
 * The digest lives in the model document (`"digest": {"to": […], "hour": 8, "timezone": "Europe/Riga"}`):
 * its "hot leads" and "movers" are the model's tiers and scores, so a site with one model gets one
 * digest, and a site with two programs (B2C promos, dealer test drives) can send each its own.
 */
import * as z from "zod/mini";
import { checkWebhookUrl } from "../net/webhook-url";
import type { ModelIssue } from "./issues";

export const URL_CHANNELS = ["slack", "teams", "google_chat", "discord"] as const;
export const CHANNELS = ["webhook", "email", ...URL_CHANNELS] as const;
export type ChannelKind = (typeof CHANNELS)[number];
export type UrlChannelKind = (typeof URL_CHANNELS)[number];

export const ADF_INTERESTS = ["buy", "lease", "sell", "trade-in", "test-drive"] as const;
export type AdfInterest = (typeof ADF_INTERESTS)[number];

export interface VehicleTraits {
  year: string;
  make: string;
  model: string;
}

export const DEFAULT_VEHICLE_TRAITS: VehicleTraits = { year: "vehicle_year", make: "vehicle_make", model: "vehicle_model" };

/** A trigger's channel as the outbox stores it (alerts.channel); the webhook has none (null). */
export type ChannelSpec =
  | { channel: "email"; to: string[]; format: "text" | "adf"; vehicle?: VehicleTraits; interest?: AdfInterest }
  | { channel: UrlChannelKind; url: string };

export interface Digest {
  to: string[];
  /** Local hour (0–23) from which the day's digest goes out. */
  hour: number;
  /** IANA time zone of `hour` and of "yesterday". */
  timezone: string;
}

// Deliberately plain: one @, no spaces or angle brackets, a dot in the domain. The address goes
// into a MIME header (mimetext quotes it) and Email Routing accepts only verified destinations.
const email = z.string().check(z.maxLength(254), z.regex(/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/, "must be an email address"));
const emails = z.array(email).check(z.minLength(1), z.maxLength(10));
const traitName = z.string().check(z.minLength(1), z.maxLength(64));

/** The channel fields of a trigger, merged into model.ts's trigger schema. */
export const triggerChannelFields = {
  channel: z.optional(z.enum(CHANNELS)),
  url: z.optional(z.string()),
  to: z.optional(emails),
  format: z.optional(z.enum(["text", "adf"])),
  vehicle: z.optional(z.strictObject({ year: z.optional(traitName), make: z.optional(traitName), model: z.optional(traitName) })),
  interest: z.optional(z.enum(ADF_INTERESTS)),
};

export const digestSchema = z.strictObject({
  to: emails,
  hour: z.int().check(z.gte(0), z.lte(23)),
  timezone: z.string().check(z.minLength(1), z.maxLength(64)),
});

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

type Raw = Record<string, unknown>;
const FIELDS_OF: Record<ChannelKind, readonly string[]> = {
  webhook: ["webhook"],
  email: ["to", "format", "vehicle", "interest"],
  slack: ["url"],
  teams: ["url"],
  google_chat: ["url"],
  discord: ["url"],
};
const CHANNEL_FIELDS = ["webhook", "url", "to", "format", "vehicle", "interest"];

/** Cross-field checks of one raw trigger's channel (the structure is zod's). */
export function checkTriggerChannel(t: Raw, p: string, allowHttpLocalhost: boolean, issues: ModelIssue[]): void {
  const kind: ChannelKind = typeof t.channel === "string" && (CHANNELS as readonly string[]).includes(t.channel) ? (t.channel as ChannelKind) : "webhook";
  if (t.channel !== undefined && kind !== t.channel) return; // zod reports the unknown channel
  for (const f of CHANNEL_FIELDS)
    if (t[f] !== undefined && t[f] !== null && !FIELDS_OF[kind].includes(f)) issues.push({ path: `${p}.${f}`, message: `not a field of the ${kind} channel` });
  if (kind === "email" && t.to === undefined) issues.push({ path: `${p}.to`, message: "required" });
  if ((URL_CHANNELS as readonly string[]).includes(kind)) {
    if (t.url === undefined) issues.push({ path: `${p}.url`, message: "required" });
    else if (typeof t.url === "string") {
      const bad = checkWebhookUrl(t.url, { allowHttpLocalhost });
      if (bad) issues.push({ path: `${p}.url`, message: bad });
    }
  }
}

export function checkDigest(d: unknown, issues: ModelIssue[]): void {
  if (d && typeof d === "object" && typeof (d as Raw).timezone === "string" && !isTimeZone((d as Raw).timezone as string))
    issues.push({ path: "digest.timezone", message: "unknown time zone (an IANA name such as Europe/Riga)" });
}

type ParsedChannel = { channel?: ChannelKind | undefined; url?: string | undefined; to?: string[] | undefined; format?: "text" | "adf" | undefined; vehicle?: Partial<VehicleTraits> | undefined; interest?: AdfInterest | undefined };

/** The normalised channel fields of a valid trigger (nothing for the webhook, the default). */
export function normaliseChannel(t: ParsedChannel): Partial<ChannelSpec> {
  if (t.channel === "email") {
    const out: ChannelSpec = { channel: "email", to: [...(t.to ?? [])], format: t.format ?? "text" };
    if (t.vehicle) out.vehicle = { ...DEFAULT_VEHICLE_TRAITS, ...t.vehicle };
    if (t.interest) out.interest = t.interest;
    return out;
  }
  if (t.channel && t.channel !== "webhook") return { channel: t.channel, url: t.url ?? "" };
  return {};
}

/** The stored channel of a normalised trigger: JSON for alerts.channel, null for the webhook. */
export function channelOf(t: Partial<ChannelSpec> & { channel?: string }): ChannelSpec | null {
  if (t.channel === "email") {
    const e = t as Extract<ChannelSpec, { channel: "email" }>;
    const out: ChannelSpec = { channel: "email", to: e.to, format: e.format };
    if (e.vehicle) out.vehicle = e.vehicle;
    if (e.interest) out.interest = e.interest;
    return out;
  }
  if ((URL_CHANNELS as readonly string[]).includes(t.channel ?? "")) {
    const u = t as Extract<ChannelSpec, { channel: UrlChannelKind }>;
    return { channel: u.channel, url: u.url };
  }
  return null;
}
