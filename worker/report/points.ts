/**
 * From fitted coefficients of the selected atoms to integer-point rules a person can read.
 *
 * Atoms of one trait form a partition of mutually exclusive levels: the steps `trait ≥ t` become
 * ranges ("age 31 to 45") whose value is the sum of the steps below, plus "unknown"; the values of
 * a categorical trait become `eq` levels plus "other". Within a partition the values are shifted
 * so the lowest level is 0 (a constant changes nobody's rank) and needs no rule, so `fit` never
 * goes below 0 where the engine would clamp it. Events keep their signed points (`interest`);
 * recency rules count days with the event in the last RECENT_DAYS (a `recent` category that
 * expires them). Everything is scaled so the highest reachable score is about `scale` (DOMAIN
 * step 5) and rounded; a level that rounds to 0 gets no rule.
 */
import type { Condition } from "../scoring/condition";
import { type Atom, type AtomSet, atomValues, type LeadFeaturesInput, RECENT_DAYS, traitValue } from "./candidates";

export type Category = "fit" | "interest" | "recent";

export interface PointsRule {
  id: string;
  category: Category;
  points: number;
  when: Condition;
  /** Event rules: hits counted up to this many (per lead; per day for `recent`). */
  times?: number;
  per?: "lead" | "day";
  label: string;
  /** The constant "at least once" of an event every lead has (counted in `interestBase`). */
  base?: true;
  /** The rule's value for a lead (1/0 for trait rules, counted hits for event rules). */
  value: (l: LeadFeaturesInput) => number;
}

export interface PointsModel {
  rules: PointsRule[];
  max: Record<Category, number>;
  /** Interest every lead gets from base rules (an event every lead has, with negative points per hit). */
  interestBase: number;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9_.]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 56) || "x"
  );
}

interface Level {
  value: number;
  when: Condition;
  label: string;
  key: string;
}

/** The shortest decimal in [a, b): an upper bound that keeps the observed values below b and reads well. */
export function niceBelow(a: number, b: number): number {
  for (let d = 0; d <= 8; d++) {
    const f = 10 ** d;
    const c = (Math.ceil(b * f - 1e-9) - 1) / f;
    if (c >= a && c < b) return c;
  }
  return a;
}

/** Levels of a numeric trait from its selected steps (and its unknown level). */
function numericLevels(trait: string, steps: { t: number; below: number; beta: number }[], missing: number | null, integer: boolean): Level[] {
  steps.sort((a, b) => a.t - b.t);
  const out: Level[] = [];
  // The condition language has ≥ and ≤: a range ends just below the next step.
  const upper = (k: number) => {
    const s = steps[k] as { t: number; below: number };
    return integer ? s.t - 1 : niceBelow(s.below, s.t);
  };
  const under = (k: number) => (integer ? `≤ ${fmt(upper(k))}` : `under ${fmt((steps[k] as { t: number }).t)}`);
  if (steps.length === 0) out.push({ value: 0, when: { trait, exists: true }, label: `${trait} known`, key: "known" });
  else out.push({ value: 0, when: { trait, lte: upper(0) }, label: `${trait} ${under(0)}`, key: `lte-${fmt(upper(0))}` });
  let sum = 0;
  steps.forEach((s, k) => {
    sum += s.beta;
    if (k === steps.length - 1) out.push({ value: sum, when: { trait, gte: s.t }, label: `${trait} ≥ ${fmt(s.t)}`, key: `gte-${fmt(s.t)}` });
    else {
      const hi = upper(k + 1);
      const label = integer ? (hi === s.t ? `${trait} = ${fmt(hi)}` : `${trait} ${fmt(s.t)} to ${fmt(hi)}`) : `${trait} ${fmt(s.t)} to ${under(k + 1)}`;
      out.push({ value: sum, when: { all: [{ trait, gte: s.t }, { trait, lte: hi }] }, label, key: `${fmt(s.t)}-${fmt(hi)}` });
    }
  });
  if (missing !== null) out.push({ value: missing, when: { trait, exists: false }, label: `${trait} unknown`, key: "unknown" });
  return out;
}

function categoricalLevels(trait: string, values: { eq: string | number | boolean; beta: number }[], missing: number | null): Level[] {
  const out: Level[] = values.map((v) => ({ value: v.beta, when: { trait, eq: v.eq }, label: `${trait} = ${String(v.eq)}`, key: String(v.eq) }));
  const neqs: Condition[] = values.map((v) => ({ trait, neq: v.eq }));
  if (missing !== null) {
    out.push({ value: missing, when: { trait, exists: false }, label: `${trait} unknown`, key: "unknown" });
    neqs.push({ trait, exists: true });
  }
  const listed = values.slice(0, 5).map((v) => String(v.eq)).join(", ") + (values.length > 5 ? ", …" : "");
  const rest: Condition = neqs.length === 1 ? (neqs[0] as Condition) : { all: neqs };
  const label = values.length === 0 ? `${trait} known` : missing !== null ? `${trait} other than ${listed}` : `${trait} other than ${listed}, or unknown`;
  out.push({ value: 0, when: rest, label, key: "other" });
  return out;
}

/** The scaled, rounded rules of the selected atoms (`beta[k]` belongs to `chosen[k]`). */
export function toPoints(set: AtomSet, chosen: number[], beta: ArrayLike<number>, leads: LeadFeaturesInput[], reserved: Iterable<string>, scale = 100): PointsModel {
  const byPartition = new Map<string, { atom: Atom; beta: number }[]>();
  chosen.forEach((j, k) => {
    const atom = set.atoms[j] as Atom;
    const list = byPartition.get(atom.partition) ?? [];
    list.push({ atom, beta: beta[k] as number });
    byPartition.set(atom.partition, list);
  });
  // Traits some lead lacks: their levels need an "unknown" one to stay exhaustive.
  const lacking = (trait: string) => leads.some((l) => l.traits[trait] === undefined || l.traits[trait] === null || l.traits[trait] === "");

  const groups: { levels: Level[]; prefix: string }[] = [];
  const events: { atom: Atom; beta: number }[] = [];
  for (const [partition, list] of [...byPartition].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const trait = partition.slice(2);
    const miss = list.find((x) => x.atom.spec.type === "missing");
    const missing = miss ? miss.beta : lacking(trait) ? 0 : null;
    if (partition.startsWith("n:")) {
      const steps = list.flatMap((x) => (x.atom.spec.type === "gte" ? [{ t: x.atom.spec.t, below: x.atom.spec.below, beta: x.beta }] : []));
      groups.push({ prefix: trait, levels: numericLevels(trait, steps, missing, set.integers.has(trait)) });
    } else if (partition.startsWith("c:")) {
      const values = list.flatMap((x) => (x.atom.spec.type === "eq" ? [{ eq: x.atom.spec.eq, beta: x.beta }] : []));
      groups.push({ prefix: trait, levels: categoricalLevels(trait, values, miss ? miss.beta : null) });
    } else events.push(...list);
  }

  let reach = 0;
  for (const g of groups) {
    const min = Math.min(...g.levels.map((l) => l.value));
    for (const l of g.levels) l.value -= min;
    reach += Math.max(...g.levels.map((l) => l.value));
  }
  for (const e of events) reach += Math.max(0, e.beta) * e.atom.max;
  const s = reach > 0 ? scale / reach : 0;

  const used = new Set(reserved);
  const id = (base: string) => {
    const b = slug(base);
    let out = b;
    for (let k = 2; used.has(out); k++) out = `${b}-${k}`;
    used.add(out);
    return out;
  };
  const rules: PointsRule[] = [];
  for (const g of groups)
    for (const l of g.levels) {
      const points = Math.round(l.value * s) || 0;
      if (points === 0) continue;
      const when = l.when;
      rules.push({ id: id(`${g.prefix}-${l.key}`), category: "fit", points, when, label: l.label, value: traitValue(when) });
    }
  let interestBase = 0;
  const universal = new Map<string, PointsRule[]>();
  for (const e of events) {
    const points = Math.round(e.beta * s) || 0;
    const spec = e.atom.spec;
    if (points === 0 || (spec.type !== "event" && spec.type !== "recent")) continue;
    const recent = spec.type === "recent";
    const rule: PointsRule = {
      id: id(recent ? `recent-${spec.what}` : spec.times > 1 ? `${spec.what}-x${spec.times}` : spec.what),
      category: recent ? "recent" : "interest",
      points,
      when: spec.when,
      times: recent ? 1 : spec.times,
      per: recent ? "day" : "lead",
      label: e.atom.label,
      value: atomValues(e.atom),
    };
    rules.push(rule);
    // An event every lead has ("call") whose counted points go negative would push everyone's
    // interest below 0, where the engine clamps it and the count stops mattering: "at least once:
    // +m" on it is the same for every lead (a constant), keeps the ranking and lifts the sum to ≥ 0.
    if (!recent && leads.every((l) => (l.events.get(spec.key) ?? 0) > 0)) universal.set(spec.key, [...(universal.get(spec.key) ?? []), rule]);
  }
  for (const group of universal.values()) {
    const f = (n: number) => group.reduce((t, r) => t + r.points * Math.min(n, r.times ?? 1), 0);
    const top = Math.max(...group.map((r) => r.times ?? 1));
    let min = 0;
    for (let n = 1; n <= top; n++) min = Math.min(min, f(n));
    if (min >= 0) continue;
    const first = group[0] as PointsRule;
    rules.push({ id: id(`${first.id}-base`), category: "interest", points: -min, when: first.when, times: 1, per: "lead", label: `${first.label.replace(/ \(.*\)$/, "")} (at least once; base)`, base: true, value: () => 1 });
    interestBase += -min;
  }
  const max: Record<Category, number> = { fit: 0, interest: 0, recent: 0 };
  for (const r of rules) if (r.points > 0) max[r.category] += r.points * (r.category === "recent" ? RECENT_DAYS : r.category === "interest" ? (r.times ?? 1) : 1);
  // A category with no positive points can never be above 0: its rules change nothing.
  const kept = rules.filter((r) => max[r.category] > 0);
  return { rules: kept, max, interestBase: max.interest > 0 ? interestBase : 0 };
}

/** The score the engine gives a lead under the points model: each category clamped to [0, max]. */
export function pointsScore(pm: PointsModel, lead: LeadFeaturesInput, disqualified = false): number {
  if (disqualified) return 0;
  const sum: Record<Category, number> = { fit: 0, interest: 0, recent: 0 };
  for (const r of pm.rules) {
    if (r.base) continue;
    const v = r.value(lead);
    if (v !== 0) sum[r.category] += r.points * v;
  }
  sum.interest += pm.interestBase;
  let total = 0;
  for (const k of ["fit", "interest", "recent"] as const) total += Math.min(pm.max[k], Math.max(0, sum[k]));
  return Math.round(total * 100) / 100;
}
