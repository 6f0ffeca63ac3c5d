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
import type { ReportLead } from "./report";

export const PAGE = 1000;
export const MAX_LEADS = 50_000;

interface LeadRow {
  id: string;
  email: string | null;
  name: string | null;
  traits: string;
  converted_at: number | null;
  conversion_value: number | null;
  state: string | null;
  model_version: number | null;
}

interface EventAgg {
  lead_id: string;
  type: string;
  name: string | null;
  path: string | null;
  n: number;
}

/** Adds one aggregated event row to a lead's counts (keys as in candidates.ts). */
export function addEventCounts(counts: Map<string, number>, e: { type: string; name: string | null; path: string | null; n: number }): void {
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + e.n);
  bump(`t|${e.type}`);
  if ((e.type === "custom" || e.type === "form_submit") && e.name) bump(`n|${e.type}|${e.name}`);
  if (e.type === "page_view") {
    const p = eventPath(e.path, null);
    if (p) bump(`p|${p}`);
  }
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
    const page = `SELECT id, converted_at FROM leads WHERE site_id = ?1 AND last_seen >= ?2 AND id > ?3 ORDER BY id LIMIT ?4`;
    const [l, e] = await db.batch([
      db
        .prepare(
          `SELECT l.id, l.email, l.name, l.traits, l.converted_at, l.conversion_value, s.state, s.model_version
           FROM leads l LEFT JOIN lead_scores s ON s.lead_id = l.id AND s.model = ?5
           WHERE l.site_id = ?1 AND l.last_seen >= ?2 AND l.id > ?3 ORDER BY l.id LIMIT ?4`,
        )
        .bind(siteId, since, cursor, limit, sm.name),
      db
        .prepare(
          `SELECT e.lead_id, e.type,
                  CASE WHEN e.type IN ('custom', 'form_submit') THEN e.name END AS name,
                  CASE WHEN e.type = 'page_view' THEN e.path END AS path, count(*) AS n
           FROM (${page}) p JOIN events e ON e.lead_id = p.id
           WHERE p.converted_at IS NULL OR e.ts < p.converted_at
           GROUP BY 1, 2, 3, 4`,
        )
        .bind(siteId, since, cursor, limit),
    ]);
    const rows = l!.results as unknown as LeadRow[];
    const counts = new Map<string, Map<string, number>>();
    for (const a of e!.results as unknown as EventAgg[]) {
      let m = counts.get(a.lead_id);
      if (!m) counts.set(a.lead_id, (m = new Map()));
      addEventCounts(m, a);
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
        convertedAt: r.converted_at,
        value: r.conversion_value,
        result: evaluate(sm.model, state, traits, now),
        stale: r.state === null || r.model_version !== sm.version,
      });
    }
    if (rows.length < limit) return { leads: out, sampled: false };
    cursor = rows[rows.length - 1]!.id;
  }
  // Stopped at the cap: sampled only if there is more.
  const more = await db
    .prepare("SELECT 1 FROM leads WHERE site_id = ?1 AND last_seen >= ?2 AND id > ?3 LIMIT 1")
    .bind(siteId, since, cursor)
    .first();
  return { leads: out, sampled: !!more };
}
