/**
 * The suggested model (SPEC §3 report, DOMAIN step 7): integer points fitted to the window's
 * conversions, as a model document `parseModel` accepts as is.
 *
 * 1. Candidates (candidates.ts): trait levels and event counts, ≤ 60 features, chosen by support.
 * 2. L2-regularised logistic regression (logistic.ts) of "converted" on the features.
 * 3. Points: within a trait group (mutually exclusive levels) the coefficients are shifted so the
 *    lowest level is 0 (a constant shift changes nobody's rank) and that level needs no rule; then
 *    everything is scaled so the highest reachable score is about 100 (DOMAIN step 5) and
 *    rounded. Trait rules go to a `fit` category, event rules to `interest`; each category's max is
 *    the sum of its positive points (hits × points for counted rules), so the upper clamp never
 *    binds. Negative event points are kept (e.g. a careers page); the engine clamps a category at
 *    0, which the score below reproduces.
 * 4. `suggestedAuc`: stratified k-fold cross-validation (k = 5, or fewer when a class is small) of
 *    the whole pipeline (fit, shift, scale, round, clamp) — the AUC of the integer model's score on
 *    held-out leads, averaged over folds. `regressionAuc` is the same for the raw regression
 *    (the linear predictor): the gap is what integer points and category clamps cost.
 */
import { parseModel } from "../scoring/model";
import { auc } from "./auc";
import { type Candidate, type FeatureSet } from "./candidates";
import { fitLogistic, linear, type LogisticFit, type SparseRow } from "./logistic";

export interface PointsRule {
  id: string;
  category: "fit" | "interest";
  points: number;
  when: Candidate["when"];
  times?: number;
  label: string;
  /** Index of the feature column. */
  column: number;
}

export interface PointsModel {
  rules: PointsRule[];
  maxFit: number;
  maxInterest: number;
  /** Interest every lead gets from the base rules below (events every lead has). */
  interestBase: number;
  /** Points per unit of each feature column (0 when the column has no rule) and its category (1 = fit). */
  colPoints: Float64Array;
  colFit: Uint8Array;
}

/** What is carried over from the reviewed model so the document can replace it as is. */
export interface Carry {
  tierNames: string[];
  /** Must-have and disqualifier rules (raw JSON), kept verbatim without points. */
  gateRules: Record<string, unknown>[];
  extra: Record<string, unknown>;
}

export interface SuggestOptions {
  lambda?: number;
  folds?: number;
  /** Highest reachable score (DOMAIN step 5: 1-100). */
  scale?: number;
}

export interface Suggestion {
  model: Record<string, unknown> | null;
  auc: number | null;
  regressionAuc: number | null;
  trainingAuc: number | null;
  folds: number;
  features: number;
  /** The fitted rules with what they mean, for the report's readers. */
  rules: { id: string; label: string; category: string; points: number; support: number }[];
}

/** From regression coefficients to integer points (see the file comment). */
export function toPoints(fs: FeatureSet, fit: LogisticFit, scale = 100): PointsModel {
  const shifted = Float64Array.from(fit.beta);
  const groups = new Map<string, number[]>();
  fs.candidates.forEach((c, j) => {
    if (c.kind !== "trait") return;
    const g = groups.get(c.group);
    if (g) g.push(j);
    else groups.set(c.group, [j]);
  });
  let reach = 0;
  for (const cols of groups.values()) {
    const min = Math.min(...cols.map((j) => fit.beta[j] as number));
    let max = 0;
    for (const j of cols) {
      shifted[j] = (fit.beta[j] as number) - min;
      max = Math.max(max, shifted[j] as number);
    }
    reach += max;
  }
  fs.candidates.forEach((c, j) => {
    if (c.kind === "event") reach += Math.max(0, shifted[j] as number) * (c.times ?? 1);
  });
  const s = reach > 0 ? scale / reach : 0;
  const rules: PointsRule[] = [];
  let maxFit = 0;
  let maxInterest = 0;
  const eventGroups = new Map<string, PointsRule[]>();
  fs.candidates.forEach((c, j) => {
    const points = Math.round((shifted[j] as number) * s) || 0;
    if (points === 0) return;
    const category = c.kind === "trait" ? "fit" : "interest";
    const rule: PointsRule = { id: c.id, category, points, when: c.when, label: c.label, column: j };
    if (c.times !== undefined) rule.times = c.times;
    rules.push(rule);
    if (points > 0) {
      if (category === "fit") maxFit += points;
      else maxInterest += points * (c.times ?? 1);
    }
    // An event every lead has ("call", "page_view") whose counted points go negative would push
    // everyone's interest below 0, where the engine clamps it and the count stops mattering.
    // Adding "at least once: +m" to such an event is the same for every lead (a constant), so
    // it keeps the ranking and lifts the sum to ≥ 0.
    if (c.kind === "event" && c.support === fs.rows.length) {
      const g = eventGroups.get(c.group);
      if (g) g.push(rule);
      else eventGroups.set(c.group, [rule]);
    }
  });
  let interestBase = 0;
  for (const [, group] of eventGroups) {
    const f = (n: number) => group.reduce((t, r) => t + r.points * Math.min(n, r.times ?? 1), 0);
    const top = Math.max(...group.map((r) => r.times ?? 1));
    let min = 0;
    for (let n = 1; n <= top; n++) min = Math.min(min, f(n));
    if (min >= 0) continue;
    const first = group[0] as PointsRule;
    let id = `${first.id}-base`.slice(0, 64);
    for (let k = 2; fs.ids.has(id); k++) id = `${first.id.slice(0, 56)}-base-${k}`;
    fs.ids.add(id);
    rules.push({ id, category: "interest", points: -min, when: first.when, times: 1, label: `${first.label.replace(/ \(.*\)$/, "")} (at least once; base)`, column: -1 });
    interestBase += -min;
    maxInterest += -min;
  }
  // A category with no positive points can never be above 0: its rules change nothing.
  const kept = rules.filter((r) => (r.category === "fit" ? maxFit : maxInterest) > 0);
  const colPoints = new Float64Array(fs.candidates.length);
  const colFit = new Uint8Array(fs.candidates.length);
  for (const r of kept) {
    if (r.column < 0) continue;
    colPoints[r.column] = r.points;
    colFit[r.column] = r.category === "fit" ? 1 : 0;
  }
  return { rules: kept, maxFit, maxInterest, interestBase: maxInterest > 0 ? interestBase : 0, colPoints, colFit };
}

/** The score the engine gives a lead under the points model: categories clamped to [0, max]. */
export function pointsScore(pm: PointsModel, row: SparseRow, disqualified = false): number {
  if (disqualified) return 0;
  let fit = 0;
  let interest = pm.interestBase;
  for (let k = 0; k < row.idx.length; k++) {
    const j = row.idx[k] as number;
    const v = (pm.colPoints[j] as number) * (row.val[k] as number);
    if (pm.colFit[j] === 1) fit += v;
    else interest += v;
  }
  fit = Math.min(pm.maxFit, Math.max(0, fit));
  interest = Math.min(pm.maxInterest, Math.max(0, interest));
  return Math.round((fit + interest) * 100) / 100;
}

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
  if (pm.maxFit > 0) categories.fit = { kind: "fit", max: pm.maxFit };
  if (pm.maxInterest > 0) categories.interest = { kind: "interest", max: pm.maxInterest };
  if (Object.keys(categories).length === 0) categories.fit = { kind: "fit", max: 1 };
  const rules: Record<string, unknown>[] = carry.gateRules.map((r) => ({ ...r }));
  for (const r of pm.rules) {
    const rule: Record<string, unknown> = { id: r.id, category: r.category, points: r.points, when: r.when };
    if (r.times !== undefined) rule.limit = { times: r.times, per: "lead" };
    rules.push(rule);
  }
  return { readiness: Math.max(1, top), tiers, categories, rules, ...carry.extra };
}

/** Stratified folds: positives and negatives dealt round-robin in input order (deterministic). */
export function stratifiedFolds(y: ArrayLike<boolean>, k: number): number[] {
  const fold: number[] = [];
  let p = 0;
  let q = 0;
  for (let i = 0; i < y.length; i++) fold.push(y[i] ? p++ % k : q++ % k);
  return fold;
}

export function suggest(
  fs: FeatureSet,
  y: boolean[],
  disqualified: boolean[],
  carry: Carry,
  opts: SuggestOptions = {},
): Suggestion {
  const lambda = opts.lambda ?? 1;
  const scale = opts.scale ?? 100;
  const p = fs.candidates.length;
  const positives = y.filter(Boolean).length;
  const negatives = y.length - positives;
  const empty: Suggestion = { model: null, auc: null, regressionAuc: null, trainingAuc: null, folds: 0, features: p, rules: [] };
  if (positives === 0 || negatives === 0 || p === 0) return empty;

  const fit = fitLogistic(fs.rows, y, p, { lambda });
  const pm = toPoints(fs, fit, scale);
  const scores = fs.rows.map((r, i) => pointsScore(pm, r, disqualified[i]));
  const doc = toDocument(pm, carry, scores);
  let parsed = parseModel(doc, { allowHttpLocalhost: true });
  let model: Record<string, unknown> = doc;
  if (!parsed.ok) {
    // Carried parts that no longer validate (stricter schema since): suggest without them.
    model = toDocument(pm, { tierNames: carry.tierNames, gateRules: [], extra: {} }, scores);
    parsed = parseModel(model, { allowHttpLocalhost: true });
    if (!parsed.ok) return empty;
  }

  const k = Math.min(opts.folds ?? 5, positives, negatives);
  let foldAuc = 0;
  let foldRegAuc = 0;
  let counted = 0;
  if (k >= 2) {
    const fold = stratifiedFolds(y, k);
    for (let f = 0; f < k; f++) {
      const train: number[] = [];
      const test: number[] = [];
      fold.forEach((g, i) => (g === f ? test : train).push(i));
      const fitF = fitLogistic(fs.rows, y, p, { lambda }, train);
      const pmF = toPoints(fs, fitF, scale);
      const ty = test.map((i) => y[i] as boolean);
      const a = auc(test.map((i) => pointsScore(pmF, fs.rows[i] as SparseRow, disqualified[i])), ty);
      const b = auc(test.map((i) => linear(fitF, fs.rows[i] as SparseRow)), ty);
      if (a === null || b === null) continue;
      foldAuc += a;
      foldRegAuc += b;
      counted++;
    }
  }
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  const support = new Map(fs.candidates.map((c) => [c.id, c.support]));
  return {
    model,
    auc: counted ? r4(foldAuc / counted) : null,
    regressionAuc: counted ? r4(foldRegAuc / counted) : null,
    trainingAuc: ((a) => (a === null ? null : r4(a)))(auc(scores, y)),
    folds: counted,
    features: p,
    rules: pm.rules.map((r) => ({ id: r.id, label: r.label, category: r.category, points: r.points, support: support.get(r.id) ?? 0 })),
  };
}
