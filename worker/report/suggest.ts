/**
 * The suggested model (SPEC §3 report, DOMAIN step 7): integer points fitted to the window's
 * conversions, as a model document `parseModel` accepts as is, measured on leads it never saw.
 *
 * 1. Split (split.ts): 70 % of the leads train, 30 % are held out, by a hash of the lead id.
 * 2. Candidates (candidates.ts) from the training leads: steps of numeric traits, significant
 *    values, missing-value indicators, event counts and recency.
 * 3. Selection (select.ts): the lasso path on the training leads, down to at most MAX_ATOMS atoms;
 *    the step with the lowest deviance + 5 per atom is kept (noise does not earn rules).
 * 4. Fit: an L2-regularised logistic regression (logistic.ts) of the selected atoms on the
 *    training leads; points (points.ts): integers, at most MAX_RULES rules (the largest step of
 *    the path that stays within it).
 * 5. `auc`: the integer model's AUC on the held-out leads, beside the reviewed model's AUC on the
 *    same leads (`currentAuc`) and the unrounded regression's (`regressionAuc`). Nothing is fitted
 *    on the held-out leads, so the figure is what a site can expect on new leads.
 */
import { parseModel } from "../scoring/model";
import { auc } from "./auc";
import { buildAtoms, type LeadFeaturesInput } from "./candidates";
import { fitLogistic, linear, type SparseRow } from "./logistic";
import { type PointsModel, pointsScore, toPoints } from "./points";
import { bestStep, lassoPath } from "./select";
import { isHoldout, SPLIT_DESCRIPTION } from "./split";

export const MAX_RULES = 40;
const MAX_ATOMS = 36;

export interface SuggestLead extends LeadFeaturesInput {
  id: string;
}

/** What is carried over from the reviewed model so the document can replace it as is. */
export interface Carry {
  tierNames: string[];
  /** Must-have and disqualifier rules (raw JSON), kept verbatim without points. */
  gateRules: Record<string, unknown>[];
  extra: Record<string, unknown>;
}

export interface SuggestOptions {
  /** L2 penalty of the final fit. */
  lambda?: number;
  /** Highest reachable score (DOMAIN step 5: 1-100). */
  scale?: number;
}

export interface SuggestedRule {
  id: string;
  label: string;
  category: string;
  points: number;
  /** Leads of the window the rule touches, how many of them converted, and its lift (rate with ÷ rate without). */
  leads: number;
  converted: number;
  lift: number | null;
}

export interface Suggestion {
  model: Record<string, unknown> | null;
  /** Held-out AUC of the suggested integer model; null when the held-out part lacks a class. */
  auc: number | null;
  /** Held-out AUC of the reviewed model on the same leads. */
  currentAuc: number | null;
  regressionAuc: number | null;
  trainingAuc: number | null;
  /** The suggested model ranks the held-out leads better than the reviewed one. */
  beatsCurrent: boolean;
  split: { method: string; train: number; holdout: number; holdoutConverted: number };
  /** Candidate atoms considered. */
  features: number;
  rules: SuggestedRule[];
  /** Why there is no suggestion or no held-out figure, in words. */
  note: string | null;
}

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Tier thresholds at score quantiles (one tier: 80 %; several: 50 % … 90 %), strictly ascending, ≥ 1. */
export function tierThresholds(names: string[], scores: number[]): Record<string, number> {
  const sorted = [...scores].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  let prev = 0;
  names.forEach((name, i) => {
    const q = names.length === 1 ? 0.8 : 0.5 + (0.4 * i) / (names.length - 1);
    const t = Math.max(prev + 1, Math.ceil(quantile(sorted, q)));
    out[name] = t;
    prev = t;
  });
  return out;
}

export function toDocument(pm: PointsModel, carry: Carry, scores: number[]): Record<string, unknown> {
  const tiers = tierThresholds(carry.tierNames.length ? carry.tierNames : ["warm", "hot"], scores);
  const top = Math.max(...Object.values(tiers));
  const categories: Record<string, unknown> = {};
  if (pm.max.fit > 0) categories.fit = { kind: "fit", max: pm.max.fit };
  if (pm.max.interest > 0) categories.interest = { kind: "interest", max: pm.max.interest };
  if (pm.max.recent > 0) categories.recent = { kind: "interest", max: pm.max.recent, decay: { expireDays: 7 } };
  if (Object.keys(categories).length === 0) categories.fit = { kind: "fit", max: 1 };
  const rules: Record<string, unknown>[] = carry.gateRules.map((r) => ({ ...r }));
  for (const r of pm.rules) {
    const rule: Record<string, unknown> = { id: r.id, category: r.category, points: r.points, when: r.when };
    if (r.times !== undefined) rule.limit = { times: r.times, per: r.per ?? "lead" };
    rules.push(rule);
  }
  return { readiness: Math.max(1, top), tiers, categories, rules, ...carry.extra };
}

function subRows(rows: SparseRow[], chosen: number[]): SparseRow[] {
  const pos = new Map(chosen.map((j, k) => [j, k]));
  return rows.map((r) => {
    const out: SparseRow = { idx: [], val: [] };
    r.idx.forEach((j, k) => {
      const at = pos.get(j);
      if (at !== undefined) {
        out.idx.push(at);
        out.val.push(r.val[k] as number);
      }
    });
    return out;
  });
}

function ruleFigures(pm: PointsModel, leads: SuggestLead[], y: boolean[]): SuggestedRule[] {
  const total = leads.length;
  const conv = y.filter(Boolean).length;
  return pm.rules.map((r) => {
    let n = 0;
    let c = 0;
    leads.forEach((l, i) => {
      if (r.value(l) > 0) {
        n++;
        if (y[i]) c++;
      }
    });
    const rateWith = n ? c / n : null;
    const rateWithout = total - n ? (conv - c) / (total - n) : null;
    const lift = rateWith === null || rateWithout === null || rateWithout === 0 ? null : r4(rateWith / rateWithout);
    return { id: r.id, label: r.label, category: r.category, points: r.points, leads: n, converted: c, lift };
  });
}

export function suggest(leads: SuggestLead[], y: boolean[], disqualified: boolean[], currentScores: number[], carry: Carry, opts: SuggestOptions = {}): Suggestion {
  const lambda = opts.lambda ?? 1;
  const scale = opts.scale ?? 100;
  let train: number[] = [];
  let test: number[] = [];
  leads.forEach((l, i) => (isHoldout(l.id) ? test : train).push(i));
  const classes = (ix: number[]) => {
    const p = ix.filter((i) => y[i]).length;
    return p > 0 && p < ix.length;
  };
  let note: string | null = null;
  const empty = (why: string): Suggestion => ({
    model: null,
    auc: null,
    currentAuc: null,
    regressionAuc: null,
    trainingAuc: null,
    beatsCurrent: false,
    split: { method: SPLIT_DESCRIPTION, train: train.length, holdout: test.length, holdoutConverted: test.filter((i) => y[i]).length },
    features: 0,
    rules: [],
    note: why,
  });
  if (!classes(leads.map((_, i) => i))) return empty("No suggestion: it needs converted and not converted leads in the window.");
  if (!classes(train) || !classes(test)) {
    // Too few leads to hold some out: fit on all of them and say the AUC cannot be measured.
    train = leads.map((_, i) => i);
    test = [];
    note = "Too few conversions to hold leads out: the suggestion is fitted on every lead and its AUC is not measured.";
  }

  const set = buildAtoms(leads, train, y);
  const path = lassoPath(set.rows, y, train, set.atoms.length, set.atoms.map((a) => a.max), MAX_ATOMS);
  const reserved = carry.gateRules.map((r) => String(r.id));
  let pm: PointsModel | null = null;
  let fitRows: SparseRow[] = [];
  let fit: ReturnType<typeof fitLogistic> | null = null;
  for (let k = bestStep(path); k >= 0 && !pm; k--) {
    const chosen = (path[k] as { active: number[] }).active;
    if (chosen.length === 0) break;
    fitRows = subRows(set.rows, chosen);
    fit = fitLogistic(fitRows, y, chosen.length, { lambda }, train);
    const candidate = toPoints(set, chosen, fit.beta, leads, reserved, scale);
    if (candidate.rules.length <= MAX_RULES && candidate.rules.length > 0) pm = candidate;
  }
  if (!pm || !fit) return { ...empty("No suggestion: no trait or event separates converted from other leads."), features: set.atoms.length };

  const scores = leads.map((l, i) => pointsScore(pm, l, disqualified[i]));
  const trainScores = train.map((i) => scores[i] as number);
  let model: Record<string, unknown> = toDocument(pm, carry, trainScores);
  if (!parseModel(model, { allowHttpLocalhost: true }).ok) {
    // Carried parts that no longer validate (stricter schema since): suggest without them.
    model = toDocument(pm, { tierNames: carry.tierNames, gateRules: [], extra: {} }, trainScores);
    if (!parseModel(model, { allowHttpLocalhost: true }).ok) return { ...empty("No suggestion: the fitted rules do not form a valid model."), features: set.atoms.length };
  }
  const ty = test.map((i) => y[i] as boolean);
  const heldOut = test.length ? auc(test.map((i) => scores[i] as number), ty) : null;
  const current = test.length ? auc(test.map((i) => currentScores[i] as number), ty) : null;
  const f = fit;
  return {
    model,
    auc: r4(heldOut),
    currentAuc: r4(current),
    regressionAuc: test.length ? r4(auc(test.map((i) => linear(f, fitRows[i] as SparseRow)), ty)) : null,
    trainingAuc: r4(auc(trainScores, train.map((i) => y[i] as boolean))),
    beatsCurrent: heldOut !== null && current !== null && r4(heldOut)! > r4(current)!,
    split: { method: SPLIT_DESCRIPTION, train: train.length, holdout: test.length, holdoutConverted: ty.filter(Boolean).length },
    features: set.atoms.length,
    rules: ruleFigures(pm, leads, y),
    note,
  };
}
