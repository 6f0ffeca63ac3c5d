/**
 * Reads the report's leads from D1, a page at a time: one round trip per page of 1,000 leads
 * (the leads with their engine state for the reviewed model, and their events aggregated per
 * type / custom name / page path in SQL, counted only before the lead's conversion so that a
 * "thank you" page or a purchase after converting cannot "predict" the conversion).
 *
 * Why on request and not precomputed by the cron: for 10,000 leads the pure part (evaluating
 * the model, building ≤ 60 features, one fit plus five cross-validation fits by sparse IRLS)
 * takes ~0.3 s of CPU (scripts/bench-report.ts), and the reads are 10 round trips of bounded
 * rows — well inside a paid Worker's CPU limit (30 s by default) and its subrequest budget,
 * and a report that is always current beats a table to keep fresh. Windows are capped at
 * MAX_LEADS leads: beyond that the first MAX_LEADS by id are used, a uniform sample because
 * lead ids are hashes (`sampled: true` says so).
 */
import { evaluate, toLeadState } from "../scoring/engine";
import type { SiteModel } from "../ingest/score-models";
import { eventPath } from "../scoring/glob";
import { rowsOf } from "../store/batch";
import { moreReportLeads, reportEventCounts, reportLeads, type EventCountRow, type ReportLeadRow } from "../store/reports";
import { RECENT_DAYS } from "./candidates";
import type { ReportLead } from "./report";

const DAY_MS = 86_400_000;

export const PAGE = 1000;
export const MAX_LEADS = 50_000;

/** Adds one aggregated event row to a lead's counts (keys as in candidates.ts). */
export function addEventCounts(counts: Map<string, number>, e: Omit<EventCountRow, "lead_id" | "days">): void {
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + e.n);
  bump(`t|${e.type}`);
  if ((e.type === "custom" || e.type === "form_submit") && e.name) bump(`n|${e.type}|${e.name}`);
  if (e.type === "page_view") {
    const p = eventPath(e.path, null);
    if (p) bump(`p|${p}`);
  }
}

/** Adds one aggregated row's recent days to the lead's days per event type (`t|type`). */
export function addRecentDays(days: Map<string, Set<number>>, type: string, csv: string | null): void {
  if (!csv) return;
  const key = `t|${type}`;
  let set = days.get(key);
  if (!set) days.set(key, (set = new Set()));
  for (const d of csv.split(",")) set.add(Number(d));
}

export async function loadReportLeads(
  db: D1Database,
  siteId: string,
  sm: SiteModel,
  since: number,
  now: number,
): Promise<{ leads: ReportLead[]; sampled: boolean }> {
  const out: ReportLead[] = [];
  let cursor = "";
  for (;;) {
    const limit = Math.min(PAGE, MAX_LEADS - out.length);
    if (limit <= 0) break;
    const [l, e] = await db.batch([reportLeads(db, siteId, sm.name, since, cursor, limit), reportEventCounts(db, siteId, since, cursor, limit, now, RECENT_DAYS * DAY_MS)]);
    const rows = rowsOf<ReportLeadRow>(l);
    const counts = new Map<string, Map<string, number>>();
    const days = new Map<string, Map<string, Set<number>>>();
    for (const a of rowsOf<EventCountRow>(e)) {
      let m = counts.get(a.lead_id);
      if (!m) counts.set(a.lead_id, (m = new Map()));
      addEventCounts(m, a);
      let d = days.get(a.lead_id);
      if (!d) days.set(a.lead_id, (d = new Map()));
      addRecentDays(d, a.type, a.days);
    }
    for (const r of rows) {
      const traits = JSON.parse(r.traits) as Record<string, unknown>;
      const state = toLeadState(r.state === null ? null : JSON.parse(r.state));
      out.push({
        id: r.id,
        email: r.email,
        name: r.name,
        traits,
        events: counts.get(r.id) ?? new Map(),
        recent: new Map([...(days.get(r.id) ?? [])].map(([k, set]) => [k, set.size])),
        convertedAt: r.converted_at,
        value: r.conversion_value,
        result: evaluate(sm.model, state, traits, now),
        stale: r.state === null || r.model_version !== sm.version,
        touch: { touchAt: r.first_touch_at, referrer: r.first_referrer, utmSource: r.first_utm_source, utmMedium: r.first_utm_medium, utmCampaign: r.first_utm_campaign },
      });
    }
    if (rows.length < limit) return { leads: out, sampled: false };
    cursor = rows[rows.length - 1]!.id;
  }
  // Stopped at the cap: sampled only if there is more.
  const more = await moreReportLeads(db, siteId, since, cursor);
  return { leads: out, sampled: !!more };
}
