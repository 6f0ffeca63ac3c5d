// GET /v1/admin/leads: leads ranked hot to cold under one model (the primary by
// default). Ranking uses the stored score (kept current by ingest and the cron);
// the figures returned are evaluated at `now`, so decay since the last event shows.
import { evaluate, toLeadState } from "../scoring/engine";
import { siteModels, type SiteModel } from "../ingest/score-models";
import type { ModelRow } from "../store/scores/ingest";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { leadPage } from "../store/leads/queries";
import { siteModelRows } from "../store/scores/ingest";

export interface LeadListItem {
  id: string;
  email: string | null;
  /** null (anonymous), "claimed" (a browser's unverified identify), "verified". */
  identity: string | null;
  /** An email this lead's browser claimed that another lead holds. */
  claimedEmail: string | null;
  name: string | null;
  score: number;
  fit: number;
  interest: number;
  tier: string;
  code: number;
  readiness: number;
  lastSeen: number;
}

export interface ListQuery {
  model?: string | undefined;
  tier?: string | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function loadSiteModels(db: D1Database, siteId: string): Promise<SiteModel[]> {
  const rows = await siteModelRows(db, siteId).all<ModelRow>();
  return siteModels(siteId, rows.results);
}

export async function listLeads(
  db: D1Database,
  siteId: string,
  sm: SiteModel | null,
  query: ListQuery,
  now: number,
): Promise<{ leads: LeadListItem[]; cursor: string | null }> {
  const cur = decodeCursor(query.cursor);
  const search = query.q ? `%${query.q.toLowerCase().replace(/[%_\\]/g, (m) => "\\" + m)}%` : null;
  const rows = await leadPage(db, siteId, {
    model: sm?.name ?? "",
    tier: query.tier ?? null,
    search,
    id: query.q ?? "",
    after: cur ? { score: cur.k, id: cur.id } : null,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const leads = page.map((r): LeadListItem => {
    const base = { id: r.id, email: r.email, identity: r.identity, claimedEmail: r.claimed_email, name: r.name, lastSeen: r.last_seen };
    if (!sm || r.state === null) return { ...base, score: 0, fit: 0, interest: 0, tier: "cold", code: 0, readiness: 0 };
    const res = evaluate(sm.model, toLeadState(JSON.parse(r.state)), JSON.parse(r.traits) as Record<string, unknown>, now);
    return { ...base, score: res.score, fit: res.fit, interest: res.interest, tier: res.tier, code: res.code, readiness: res.readiness };
  });
  const last = page[page.length - 1];
  const more = rows.length > query.limit && last;
  return { leads, cursor: more ? encodeCursor({ k: last.score ?? 0, id: last.id }) : null };
}
