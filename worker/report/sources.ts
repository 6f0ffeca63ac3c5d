/**
 * Attribution (issue 13 part 3): the window's leads per first-touch source and campaign, with how
 * many are hot under the reviewed model and how many converted. The source is the first touch's
 * `utm_source`, else its referrer host, else "(direct)" (a first page view without either);
 * "(unknown)" when the lead has no first touch (server-side or imported leads without a page
 * view). Values are beacon text: the API returns them as strings, the dashboard renders them as
 * text.
 */
export interface FirstTouchFields {
  touchAt: number | null;
  referrer: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

export interface SourceRow {
  source: string;
  medium: string | null;
  campaign: string | null;
  leads: number;
  hot: number;
  conversions: number;
  /** conversions ÷ leads, 4 decimals. */
  rate: number;
}

export const SOURCE_SORTS = ["leads", "hot", "conversions", "rate", "source"] as const;
export type SourceSort = (typeof SOURCE_SORTS)[number];

export function sourceOf(t: FirstTouchFields): string {
  if (t.touchAt === null) return "(unknown)";
  return t.utmSource ?? t.referrer ?? "(direct)";
}

/** Rows sorted by `sort` (descending; `source` ascending), ties by source then campaign. */
export function sortSources(rows: SourceRow[], sort: SourceSort = "leads"): SourceRow[] {
  // Code-point order, not the locale's: the same order in every runtime.
  const cmp = (x: string | null, y: string | null) => ((x ?? "") < (y ?? "") ? -1 : (x ?? "") > (y ?? "") ? 1 : 0);
  const name = (a: SourceRow, b: SourceRow) => cmp(a.source, b.source) || cmp(a.campaign, b.campaign) || cmp(a.medium, b.medium);
  return [...rows].sort((a, b) => (sort === "source" ? 0 : b[sort] - a[sort]) || name(a, b));
}

export function sourceTable(leads: { touch: FirstTouchFields; hot: boolean; converted: boolean }[]): SourceRow[] {
  const rows = new Map<string, SourceRow>();
  for (const l of leads) {
    const source = sourceOf(l.touch);
    const medium = l.touch.touchAt === null ? null : l.touch.utmMedium;
    const campaign = l.touch.touchAt === null ? null : l.touch.utmCampaign;
    const key = JSON.stringify([source, medium, campaign]);
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { source, medium, campaign, leads: 0, hot: 0, conversions: 0, rate: 0 }));
    r.leads++;
    if (l.hot) r.hot++;
    if (l.converted) r.conversions++;
  }
  for (const r of rows.values()) r.rate = Math.round((r.conversions / r.leads) * 10000) / 10000;
  return sortSources([...rows.values()]);
}
