/**
 * The 30-day review (SPEC §3 `GET /v1/admin/report`, DOMAIN step 7), as a pure function of the
 * window's leads: how the reviewed model's scores separate converted from non-converted leads,
 * and a suggested model fitted to those conversions.
 *
 * Scores are the reviewed model's figures evaluated at `now` from each lead's stored engine state
 * (the same figures the leads list shows, decay included), not the score at conversion time.
 * A lead counts as converted when it has any conversion (converted_at set).
 */
import type { ScoreResult } from "../scoring/engine";
import type { Model } from "../scoring/model";
import { auc } from "./auc";
import type { LeadFeaturesInput } from "./candidates";
import { type FirstTouchFields, sourceTable } from "./sources";
import { type Carry, suggest, type SuggestOptions } from "./suggest";

export interface ReportLead extends LeadFeaturesInput {
  id: string;
  email: string | null;
  name: string | null;
  convertedAt: number | null;
  value: number | null;
  /** The reviewed model's figures now. */
  result: ScoreResult;
  /** No state for the model's current version yet (rescoring in progress). */
  stale: boolean;
  /** The lead's first touch (attribution); absent: unknown. */
  touch?: FirstTouchFields;
}

const NO_TOUCH: FirstTouchFields = { touchAt: null, referrer: null, utmSource: null, utmMedium: null, utmCampaign: null };

export interface ReportMeta {
  model: string;
  version: number;
  days: number;
  since: number;
  now: number;
  /** Leads in the window beyond the cap were left out (see load.ts). */
  sampled: boolean;
  /** The stored document of the reviewed model (its triggers, promos and gates are carried over). */
  document: unknown;
}

export const LIST_LIMIT = 50;

const r2 = (x: number) => Math.round(x * 100) / 100 || 0;
const r4 = (x: number) => Math.round(x * 10000) / 10000 || 0;
const mean = (xs: number[]) => (xs.length ? r2(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

function hitRules(l: ReportLead): string[] {
  return Object.entries(l.result.rules)
    .filter(([, v]) => v.hits > 0)
    .map(([id]) => id);
}

function leadItem(l: ReportLead) {
  return {
    id: l.id,
    email: l.email,
    name: l.name,
    score: l.result.score,
    tier: l.result.tier,
    converted: l.convertedAt !== null,
    convertedAt: l.convertedAt,
    value: l.value,
    rules: hitRules(l),
  };
}

/** A bin width of 1, 2 or 5 × 10^k giving at most 10 bins up to `max`. */
export function binWidth(max: number): number {
  const raw = Math.max(max, 1) / 10;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function histogram(scores: number[], converted: boolean[]) {
  const max = scores.reduce((a, b) => Math.max(a, b), 0);
  const w = binWidth(max);
  const n = Math.floor(max / w) + 1;
  const bins = Array.from({ length: n }, (_, i) => ({ from: r2(i * w), to: r2((i + 1) * w), converted: 0, notConverted: 0 }));
  scores.forEach((s, i) => {
    const b = bins[Math.min(n - 1, Math.max(0, Math.floor(s / w)))]!;
    if (converted[i]) b.converted++;
    else b.notConverted++;
  });
  return { binWidth: w, bins };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) : 0;
}

/** The rules, tiers, leadType, triggers and promos to carry into the suggested document. */
export function carryOver(model: Model, document: unknown): Carry {
  const doc = (document && typeof document === "object" ? document : {}) as Record<string, unknown>;
  const rawRules = Array.isArray(doc.rules) ? (doc.rules as Record<string, unknown>[]) : [];
  const gateRules = rawRules
    .filter((r) => r && (r.must === true || r.disqualify === true))
    .map((r) => {
      const g: Record<string, unknown> = { id: r.id, when: r.when };
      if (r.must === true) g.must = true;
      if (r.disqualify === true) g.disqualify = true;
      if (r.limit !== undefined) g.limit = r.limit;
      return g;
    });
  const extra: Record<string, unknown> = {};
  for (const k of ["leadType", "triggers", "promos", "exposeScore"]) if (doc[k] !== undefined) extra[k] = doc[k];
  return { tierNames: Object.keys(model.tiers), gateRules, extra };
}

export function buildReport(
  model: Model,
  meta: ReportMeta,
  leads: ReportLead[],
  opts: { suggest?: SuggestOptions } = {},
) {
  const scores = leads.map((l) => l.result.score);
  const converted = leads.map((l) => l.convertedAt !== null);
  const conv = leads.filter((l) => l.convertedAt !== null);
  const non = leads.filter((l) => l.convertedAt === null);
  const avgConv = mean(conv.map((l) => l.result.score));
  const avgNon = mean(non.map((l) => l.result.score));

  // Low and high scorers: below the first tier / in the top tier; without tiers, quartiles.
  const tierNames = Object.keys(model.tiers);
  const top = tierNames[tierNames.length - 1];
  const lowThreshold = tierNames.length ? (model.tiers[tierNames[0] as string] as number) : quantile(scores, 0.25);
  const highThreshold = top !== undefined ? (model.tiers[top] as number) : quantile(scores, 0.75);
  const isLow = (l: ReportLead) => (tierNames.length ? l.result.tier === "cold" || l.result.tier === "disqualified" : l.result.score < lowThreshold);
  const isHigh = (l: ReportLead) => (top !== undefined ? l.result.tier === top : l.result.score >= highThreshold);
  const low = conv.filter(isLow).sort((a, b) => a.result.score - b.result.score || (a.id < b.id ? -1 : 1));
  const high = non.filter(isHigh).sort((a, b) => b.result.score - a.result.score || (a.id < b.id ? -1 : 1));

  const rules = model.rules.map((rule) => {
    let withN = 0;
    let withC = 0;
    for (const l of leads) {
      if ((l.result.rules[rule.id]?.hits ?? 0) > 0) {
        withN++;
        if (l.convertedAt !== null) withC++;
      }
    }
    const withoutN = leads.length - withN;
    const withoutC = conv.length - withC;
    const rate = withN ? withC / withN : null;
    const rateWithout = withoutN ? withoutC / withoutN : null;
    return {
      id: rule.id,
      category: rule.category ?? null,
      points: rule.points,
      must: rule.must,
      disqualify: rule.disqualify,
      leads: withN,
      converted: withC,
      rate: rate === null ? null : r4(rate),
      rateWithout: rateWithout === null ? null : r4(rateWithout),
      lift: rate === null || rateWithout === null || rateWithout === 0 ? null : r4(rate / rateWithout),
    };
  });

  const tiers = ["disqualified", "cold", ...tierNames].map((tier) => {
    const inTier = leads.filter((l) => l.result.tier === tier);
    const c = inTier.filter((l) => l.convertedAt !== null).length;
    return { tier, min: tier === "disqualified" || tier === "cold" ? null : (model.tiers[tier] as number), leads: inTier.length, converted: c, rate: inTier.length ? r4(c / inTier.length) : null };
  });

  const { model: suggestedModel, auc: suggestedAuc, ...suggested } = suggest(
    leads,
    converted,
    leads.map((l) => l.result.disqualified),
    scores,
    carryOver(model, meta.document),
    opts.suggest,
  );
  const a = auc(scores, converted);
  const sources = sourceTable(leads.map((l) => ({ touch: l.touch ?? NO_TOUCH, hot: top !== undefined && l.result.tier === top, converted: l.convertedAt !== null })));

  return {
    model: meta.model,
    version: meta.version,
    days: meta.days,
    since: meta.since,
    generatedAt: meta.now,
    scoreBasis: "now" as const,
    leads: leads.length,
    stale: leads.filter((l) => l.stale).length,
    sampled: meta.sampled,
    converted: { count: conv.length, averageScore: avgConv, value: r2(conv.reduce((t, l) => t + (l.value ?? 0), 0)) },
    notConverted: { count: non.length, averageScore: avgNon },
    onTrack: avgConv === null || avgNon === null ? null : avgConv > avgNon,
    auc: a === null ? null : r4(a),
    lowScorersConverted: { threshold: lowThreshold, count: low.length, leads: low.slice(0, LIST_LIMIT).map(leadItem) },
    highScorersNotConverted: { threshold: highThreshold, count: high.length, leads: high.slice(0, LIST_LIMIT).map(leadItem) },
    rules,
    tiers,
    histogram: histogram(scores, converted),
    suggestedModel,
    suggestedAuc,
    suggested,
    /** Added by issue 13: leads, hot leads and conversions per first-touch source and campaign. */
    sources,
  };
}

export type Report = ReturnType<typeof buildReport>;
