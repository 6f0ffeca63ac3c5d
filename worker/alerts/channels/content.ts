// What every channel says about an alert (issue 14), from the payload stored when it fired:
// who, why (the rules that scored most), how to reach them, a link to the lead in the dashboard.
// Each channel renders this in its service's own message format.
import type { AlertPayload } from "../sign";

export interface AlertContent {
  /** "🔥 Sam Buyer is hot: 40 points" */
  title: string;
  who: string;
  email: string | null;
  phone: string | null;
  /** "claimed" (a browser's unverified identify) or "verified"; null for an anonymous lead. */
  identity: string | null;
  tier: string;
  score: number;
  trigger: string;
  model: string;
  why: { rule: string; points: number; hits: number }[];
  /** The lead's page in the dashboard, when the Worker knows its public address (PUBLIC_URL). */
  link: string | null;
  ts: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function alertContent(p: AlertPayload, publicUrl?: string | null): AlertContent {
  const lead = p.lead ?? ({} as AlertPayload["lead"]);
  const who = lead.name || lead.email || lead.phone || `Lead ${lead.id}`;
  const score = round1(lead.score ?? 0);
  const base = publicUrl ? publicUrl.replace(/\/+$/, "") : null;
  return {
    title: `🔥 ${who} is ${lead.tier}: ${score} points`,
    who,
    email: lead.email ?? null,
    phone: lead.phone ?? null,
    identity: lead.identity ?? null,
    tier: lead.tier,
    score,
    trigger: p.trigger,
    model: p.model ?? "",
    why: (p.why ?? []).map((w) => ({ rule: w.rule, points: round1(w.points), hits: w.hits })),
    link: base ? `${base}/dashboard/leads/${encodeURIComponent(lead.id)}${p.model ? `?model=${encodeURIComponent(p.model)}` : ""}` : null,
    ts: p.ts,
  };
}

/** "directions +20, car-form +10" */
export const whyLine = (c: AlertContent) => c.why.map((w) => `${w.rule} +${w.points}`).join(", ") || "—";

/** "+1 555 0199 · sam@example.com" */
export const contactLine = (c: AlertContent) => [c.phone, c.email].filter(Boolean).join(" · ") || "no contact data yet";

/**
 * Markdown-rendering services (Teams' Adaptive Cards, Discord embeds) would turn a name like
 * "[Click](https://evil.example)" into a link: a lead's name and contact come from a browser and
 * are shown as text only, so their markdown characters are backslash-escaped.
 */
export const mdText = (s: string) => s.replace(/[\\`*_~[\]()<>#|]/g, (c) => `\\${c}`);

/** Google Chat's card text takes simple HTML (<b>, <a href>): escaped the same way for that service. */
export const htmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
