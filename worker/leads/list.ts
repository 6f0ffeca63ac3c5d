// GET /v1/admin/leads: leads ranked hot to cold under one model (the primary by
// default). Ranking uses the stored score (kept current by ingest and the cron);
// the figures returned are evaluated at `now`, so decay since the last event shows.
import { evaluate, toLeadState } from "../scoring/engine";
import { siteModels, type SiteModel } from "../ingest/score-models";
import type { ModelRow } from "../ingest/store";
import { decodeCursor, encodeCursor } from "../lib/cursor";

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
  const rows = await db.prepare("SELECT name, version, position, document FROM models WHERE site_id = ?1 ORDER BY position").bind(siteId).all<ModelRow>();
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
  // Keyset pagination on (score desc, id asc): stable under inserts, O(page) per call.
  const rows = await db
    .prepare(
      `SELECT l.id, l.email, l.identity, l.claimed_email, l.name, l.traits, l.last_seen, s.score, s.state
       FROM leads l LEFT JOIN lead_scores s ON s.lead_id = l.id AND s.model = ?2
       WHERE l.site_id = ?1
         AND (?3 IS NULL OR s.tier = ?3 OR (?3 = 'cold' AND s.tier IS NULL))
         AND (?4 IS NULL OR lower(coalesce(l.email, '')) LIKE ?4 ESCAPE '\\' OR lower(coalesce(l.name, '')) LIKE ?4 ESCAPE '\\' OR l.id = ?7)
         AND (?5 IS NULL OR coalesce(s.score, 0) < ?5 OR (coalesce(s.score, 0) = ?5 AND l.id > ?6))
       ORDER BY coalesce(s.score, 0) DESC, l.id ASC LIMIT ?8`,
    )
    .bind(siteId, sm?.name ?? "", query.tier ?? null, search, cur?.k ?? null, cur?.id ?? "", query.q ?? "", query.limit + 1)
    .all<{ id: string; email: string | null; identity: string | null; claimed_email: string | null; name: string | null; traits: string; last_seen: number; score: number | null; state: string | null }>();
  const page = rows.results.slice(0, query.limit);
  const leads = page.map((r): LeadListItem => {
    const base = { id: r.id, email: r.email, identity: r.identity, claimedEmail: r.claimed_email, name: r.name, lastSeen: r.last_seen };
    if (!sm || r.state === null) return { ...base, score: 0, fit: 0, interest: 0, tier: "cold", code: 0, readiness: 0 };
    const res = evaluate(sm.model, toLeadState(JSON.parse(r.state)), JSON.parse(r.traits) as Record<string, unknown>, now);
    return { ...base, score: res.score, fit: res.fit, interest: res.interest, tier: res.tier, code: res.code, readiness: res.readiness };
  });
  const last = page[page.length - 1];
  const more = rows.results.length > query.limit && last;
  return { leads, cursor: more ? encodeCursor({ k: last.score ?? 0, id: last.id }) : null };
}
