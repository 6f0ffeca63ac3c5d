// The daily digest email's subject and text.

export interface DigestReport {
  site: string;
  model: string;
  /** The local day reported on, "YYYY-MM-DD". */
  day: string;
  hot: { leadId: string; who: string; contact: string; trigger: string; score: number | null }[];
  conversions: { leadId: string; who: string; value: number | null }[];
  movers: { leadId: string; who: string; score: number; interest: number; tier: string }[];
  link: string | null;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export const digestSubject = (r: DigestReport) =>
  `${r.site} · ${r.day}: ${r.hot.length} new hot lead${r.hot.length === 1 ? "" : "s"}, ${r.conversions.length} conversion${r.conversions.length === 1 ? "" : "s"}`;

export function digestText(r: DigestReport): string {
  const lines = [`EdgeScore daily digest for ${r.site}, model ${r.model}, ${r.day}.`, ""];
  lines.push(`New hot leads (${r.hot.length}):`);
  lines.push(...(r.hot.length ? r.hot.map((h) => `- ${h.who}${h.contact && h.contact !== h.who ? ` (${h.contact})` : ""}: ${h.trigger}${h.score === null ? "" : `, ${r1(h.score)} points`}`) : ["- none"]));
  lines.push("", `Conversions (${r.conversions.length}):`);
  lines.push(...(r.conversions.length ? r.conversions.map((c) => `- ${c.who}${c.value === null ? "" : `: ${r1(c.value)}`}`) : ["- none"]));
  lines.push("", "Biggest movers (active yesterday, most behaviour points):");
  lines.push(...(r.movers.length ? r.movers.map((m) => `- ${m.who}: ${r1(m.score)} points (${r1(m.interest)} from behaviour), ${m.tier}`) : ["- none"]));
  if (r.link) lines.push("", `Dashboard: ${r.link}`);
  lines.push("", "— EdgeScore", "");
  return lines.join("\n");
}
