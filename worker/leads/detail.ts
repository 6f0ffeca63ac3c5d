// GET /v1/admin/leads/:id: everything that answers "why this score" (SPEC §3):
// traits, every model's figures, each rule's hits and points now against its
// category's maximum, must-haves, disqualifiers, the timeline and the alerts.
import { evaluate, toLeadState, type ScoreResult } from "../scoring/engine";
import type { Model } from "../scoring/model";
import type { SiteModel } from "../ingest/score-models";
import { readReason } from "../alerts/reasons";
import { alertsOfLead, type LeadAlertRow } from "../store/alerts";
import { rowsOf } from "../store/batch";
import { timeline, type TimelineRow } from "../store/events/queries";
import { claimHolder, leadRow, sessionsOfLead, type LeadRef, type LeadSessionRow } from "../store/leads/queries";
import { conversionsOfLead, type LeadConversionRow } from "../store/reports";
import type { LeadTableRow } from "../store/rows";
import { statesOfLead, type LeadStateRow } from "../store/scores/queries";

// Each part of the answer is typed by the columns its store query reads (from the
// schema): the answer's field names and types follow, and the dashboard renders
// that type (LeadDetail).

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
    leadRow(db, siteId, leadId),
    statesOfLead(db, leadId),
    timeline(db, leadId, TIMELINE),
    sessionsOfLead(db, leadId),
    alertsOfLead(db, leadId),
    conversionsOfLead(db, leadId),
    // The lead holding the email this one claims, if any (the dashboard offers a merge).
    claimHolder(db, siteId, leadId),
  ]);
  const lead = rowsOf<LeadTableRow>(l)[0];
  if (!lead) return null;
  const traits = JSON.parse(lead.traits) as Record<string, unknown>;
  const states = rowsOf<LeadStateRow>(s);

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
      claimHolder: rowsOf<LeadRef>(h)[0] ?? null,
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
    timeline: rowsOf<TimelineRow>(e).map((x) => ({ ...x, props: x.props ? (JSON.parse(x.props) as Record<string, unknown>) : null })),
    sessions: rowsOf<LeadSessionRow>(se),
    // Rows written before the closed list of reasons may hold a receiver's text: shown through it.
    alerts: rowsOf<LeadAlertRow>(a).map((x) => ({ ...x, last_error: readReason(x.last_error).lastError })),
    conversions: rowsOf<LeadConversionRow>(c),
  };
}

/** GET /v1/admin/leads/:id, as the API answers it. */
export type LeadDetail = NonNullable<Awaited<ReturnType<typeof leadDetail>>>;
/** One model's figures in a LeadDetail. */
export type LeadModelScore = LeadDetail["scores"][number];
