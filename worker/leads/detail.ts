// GET /v1/admin/leads/:id: everything that answers "why this score" (SPEC §3):
// traits, every model's figures, each rule's hits and points now against its
// category's maximum, must-haves, disqualifiers, the timeline and the alerts.
import { evaluate, toLeadState, type ScoreResult } from "../scoring/engine";
import type { Model } from "../scoring/model";
import type { SiteModel } from "../ingest/score-models";
import { readReason } from "../alerts/reasons";
import type { AlertRow, EventTableRow, LeadTableRow, RawRow, SessionRow } from "../store/rows";
import type { conversions } from "../../db/schema";

// The columns each SELECT below reads, typed from the schema: the answer's field
// names and types follow from them, and the dashboard renders that type (LeadDetail).
type TimelineRow = Pick<EventTableRow, "id" | "type" | "name" | "ts" | "url" | "title" | "ref" | "session_id" | "props" | "received_at">;
type SessionItem = Pick<SessionRow, "id" | "started_at" | "last_seen" | "referrer" | "landing" | "utm_source" | "utm_medium" | "utm_campaign" | "country" | "events">;
type AlertItem = Pick<AlertRow, "id" | "model" | "trigger_id" | "crossing" | "status" | "attempts" | "last_error" | "created_at" | "delivered_at">;
type ConversionItem = Pick<RawRow<typeof conversions>, "value" | "ts">;
type LeadRef = Pick<LeadTableRow, "id" | "email" | "name">;

const TIMELINE = 200;

export interface RuleBreakdown {
  id: string;
  category: string | null;
  kind: "fit" | "interest" | null;
  /** Points per hit as configured. */
  points: number;
  must: boolean;
  disqualify: boolean;
  hits: number;
  /** What the rule contributes now, after decay (before the category clamp). */
  pointsNow: number;
  limit: { times: number; per: string } | null;
}

export function breakdown(model: Model, r: ScoreResult): RuleBreakdown[] {
  return model.rules.map((rule) => {
    const hit = r.rules[rule.id] ?? { hits: 0, points: 0 };
    return {
      id: rule.id,
      category: rule.category ?? null,
      kind: rule.category ? (model.categories[rule.category]?.kind ?? null) : null,
      points: rule.points,
      must: rule.must,
      disqualify: rule.disqualify,
      hits: hit.hits,
      pointsNow: hit.points,
      limit: rule.limit ?? null,
    };
  });
}

export async function leadDetail(db: D1Database, siteId: string, leadId: string, models: SiteModel[], now: number) {
  const [l, s, e, se, a, c, h] = await db.batch([
    db.prepare("SELECT * FROM leads WHERE id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("SELECT model, model_version, state, scored_at FROM lead_scores WHERE lead_id = ?1").bind(leadId),
    db.prepare(`SELECT id, type, name, ts, url, title, ref, session_id, props, received_at FROM events WHERE lead_id = ?1 ORDER BY n DESC LIMIT ${TIMELINE}`).bind(leadId),
    db.prepare("SELECT id, started_at, last_seen, referrer, landing, utm_source, utm_medium, utm_campaign, country, events FROM sessions WHERE lead_id = ?1 ORDER BY started_at DESC LIMIT 50").bind(leadId),
    db.prepare("SELECT id, model, trigger_id, crossing, status, attempts, last_error, created_at, delivered_at FROM alerts WHERE lead_id = ?1 ORDER BY created_at DESC LIMIT 50").bind(leadId),
    db.prepare("SELECT value, ts FROM conversions WHERE lead_id = ?1 ORDER BY ts").bind(leadId),
    // The lead holding the email this one claims, if any (the dashboard offers a merge).
    db
      .prepare("SELECT h.id, h.email, h.name FROM leads l JOIN leads h ON h.site_id = l.site_id AND h.email = l.claimed_email WHERE l.id = ?1 AND l.site_id = ?2")
      .bind(leadId, siteId),
  ]);
  const lead = l!.results[0] as LeadTableRow | undefined;
  if (!lead) return null;
  const traits = JSON.parse(lead.traits) as Record<string, unknown>;
  const states = s!.results as { model: string; model_version: number; state: string; scored_at: number }[];

  const scores = models.map((sm) => {
    const row = states.find((x) => x.model === sm.name);
    const r = evaluate(sm.model, row ? toLeadState(JSON.parse(row.state)) : toLeadState(null), traits, now);
    return {
      model: sm.name,
      version: sm.version,
      primary: sm.primary,
      upToDate: !!row && row.model_version === sm.version,
      scoredAt: row?.scored_at ?? null,
      score: r.score,
      fit: r.fit,
      interest: r.interest,
      tier: r.tier,
      code: r.code,
      readiness: r.readiness,
      qualified: r.qualified,
      gates: r.gates,
      categories: Object.fromEntries(Object.entries(r.categories).map(([k, v]) => [k, { ...v }])),
      rules: breakdown(sm.model, r),
      mustHaves: r.mustHaves,
      disqualified: r.disqualified,
      disqualifiedBy: r.disqualifiedBy,
      promos: r.promos,
    };
  });

  return {
    lead: {
      id: lead.id,
      email: lead.email,
      identity: lead.identity,
      claimedEmail: lead.claimed_email,
      claimHolder: (h!.results[0] as LeadRef | undefined) ?? null,
      name: lead.name,
      phone: lead.phone,
      country: lead.country,
      traits,
      firstSeen: lead.first_seen,
      lastSeen: lead.last_seen,
      eventCount: lead.event_count,
      converted: lead.converted_at !== null,
      convertedAt: lead.converted_at,
    },
    scores,
    timeline: (e!.results as TimelineRow[]).map((x) => ({ ...x, props: x.props ? (JSON.parse(x.props) as Record<string, unknown>) : null })),
    sessions: se!.results as SessionItem[],
    // Rows written before the closed list of reasons may hold a receiver's text: shown through it.
    alerts: (a!.results as AlertItem[]).map((x) => ({ ...x, last_error: readReason(x.last_error).lastError })),
    conversions: c!.results as ConversionItem[],
  };
}

/** GET /v1/admin/leads/:id, as the API answers it. */
export type LeadDetail = NonNullable<Awaited<ReturnType<typeof leadDetail>>>;
/** One model's figures in a LeadDetail. */
export type LeadModelScore = LeadDetail["scores"][number];
