/**
 * Candidate features ("atoms") of the suggested model, read from the TRAINING leads only (the
 * held-out ones are only scored), so neither thresholds nor the choice of levels can leak the
 * held-out outcomes:
 * - numeric traits: thresholds `trait ≥ t` cut from the data (adaptive quantiles: a value held by
 *   many leads, like a 0, is one bin and the rest is cut evenly), at most 9 per trait; the fit
 *   keeps the steps that matter and points.ts turns them into mutually exclusive ranges;
 * - categorical traits (and integer ones with few values, e.g. codes): one atom per value that
 *   is significant (two-proportion z ≥ 2 against the other leads, at least 5 leads): a rare value
 *   with a strong lift gets in, a frequent value with none does not;
 * - a missing-value indicator per trait that some leads lack;
 * - events (counted before the lead's conversion, see load.ts): per type, custom / form name and
 *   page path "at least once" and "each, up to k times" (names and paths only when significant),
 *   and recency: days with that type of event in the 7 days before the lead's conversion (or now).
 *
 * Values are computed with the engine's own trait predicates and exactly as the engine counts
 * limited hits (min(count, k)), so fitted points mean the same once the rules run in the engine.
 */
import type { Condition, Primitive } from "../scoring/condition";
import type { Traits } from "../scoring/events";
import { checkGlob } from "../scoring/glob";
import { compileTraitCondition, toNumber } from "../scoring/matchers";
import type { SparseRow } from "./logistic";

export interface LeadFeaturesInput {
  traits: Traits;
  /** Event counts by key: `t|type`, `n|type|name` (custom, form_submit), `p|/path` (page_view). */
  events: Map<string, number>;
  /** Days with events of each type (`t|type`) in the RECENT_DAYS before the lead's conversion (or now). */
  recent?: Map<string, number>;
}

export type AtomSpec =
  /** `below`: the largest training value under `t` (the range under the step ends there). */
  | { type: "gte"; trait: string; t: number; below: number }
  | { type: "eq"; trait: string; eq: Primitive }
  | { type: "missing"; trait: string }
  | { type: "event"; key: string; times: number; when: Condition; what: string }
  | { type: "recent"; key: string; times: number; when: Condition; what: string };

export interface Atom {
  spec: AtomSpec;
  /** Atoms of one partition combine into mutually exclusive levels (points.ts): `n:trait`, `c:trait`, `e:key`. */
  partition: string;
  label: string;
  /** Training leads with a non-zero value. */
  support: number;
  /** Largest value (1 for indicators, k for counts): the selection penalises value / max. */
  max: number;
}

export interface AtomSet {
  atoms: Atom[];
  /** One row per lead (all leads, training and held out), in input order. */
  rows: SparseRow[];
  /** Traits whose training values are all integers (ranges below a step end at t − 1). */
  integers: Set<string>;
}

export const RECENT_DAYS = 7;
const MAX_CUTS = 9;
const MAX_LEVELS = 30;
const MAX_EVENT_KEYS = 40;
const Z_MIN = 2;
// Personal or identifying traits never become rules.
const PERSONAL = /^(e-?mail|name|first_?name|last_?name|full_?name|phone|mobile|tel|address|street|zip|postcode|postal_?code|ip|id|user_?id|lead_?id|visitor_?id)$/i;

export const present = (v: unknown) => v !== undefined && v !== null && v !== "";

/** Two-proportion z statistic of "converted" with the atom vs without it. */
export function zScore(withN: number, withC: number, n: number, c: number): number {
  const outN = n - withN;
  if (withN === 0 || outN === 0 || c === 0 || c === n) return 0;
  const p = c / n;
  const se = Math.sqrt(p * (1 - p) * (1 / withN + 1 / outN));
  return (withC / withN - (c - withC) / outN) / se;
}

/** The value as trait equality sees it: numbers and numeric strings alike, strings case-insensitive. */
function level(v: unknown): { key: string; eq: Primitive } | null {
  if (typeof v === "boolean") return { key: `b:${v}`, eq: v };
  if (typeof v === "number") return Number.isFinite(v) ? { key: `n:${v}`, eq: v } : null;
  if (typeof v !== "string") return null;
  const t = v.trim();
  if (t === "" || t.length > 200) return null;
  const n = toNumber(t);
  if (n !== null) return { key: `n:${n}`, eq: n };
  const lower = t.toLowerCase();
  if (lower === "true" || lower === "false") return { key: `b:${lower}`, eq: lower === "true" };
  return { key: `s:${lower}`, eq: lower };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

/** The shortest decimal in (a, b]: a readable threshold that splits the observed values the same way. */
export function niceBetween(a: number, b: number): number {
  for (let d = 0; d <= 8; d++) {
    const f = 10 ** d;
    const c = Math.ceil(a * f + 1e-9) / f;
    if (c > a && c <= b) return c;
  }
  return b;
}

/** Adaptive quantile cuts of sorted values: each bin gets an even share of what is left. */
export function cuts(sorted: Float64Array, minBin: number): number[] {
  const n = sorted.length;
  const out: number[] = [];
  let i = 0;
  while (out.length < MAX_CUTS) {
    let j = i + Math.ceil((n - i) / (MAX_CUTS + 1 - out.length));
    if (j >= n) break;
    if (sorted[j] === sorted[i]) {
      while (j < n && sorted[j] === sorted[i]) j++;
    } else {
      while (j > i && sorted[j - 1] === sorted[j]) j--;
    }
    if (j >= n || n - j < minBin) break;
    if (j - i >= minBin) {
      out.push(j);
      i = j;
    } else i = j; // a thin bin merges into the next one
  }
  return out;
}

interface TraitStats {
  present: number;
  numbers: number[];
  levels: Map<string, { eq: Primitive; n: number; c: number }>;
  presentC: number;
}

function traitStats(leads: LeadFeaturesInput[], train: number[], y: boolean[]): Map<string, TraitStats> {
  const stats = new Map<string, TraitStats>();
  for (const i of train) {
    for (const [k, v] of Object.entries((leads[i] as LeadFeaturesInput).traits)) {
      if (!present(v) || PERSONAL.test(k) || k.length > 64) continue;
      let s = stats.get(k);
      if (!s) stats.set(k, (s = { present: 0, numbers: [], levels: new Map(), presentC: 0 }));
      s.present++;
      if (y[i]) s.presentC++;
      const num = typeof v === "boolean" ? null : toNumber(v);
      if (num !== null) s.numbers.push(num);
      // Distinct values are tracked while few: hundreds mean an identifier or free text.
      const lv = s.levels.size <= 200 ? level(v) : null;
      if (lv) {
        const cur = s.levels.get(lv.key) ?? { eq: lv.eq, n: 0, c: 0 };
        cur.n++;
        if (y[i]) cur.c++;
        s.levels.set(lv.key, cur);
      }
    }
  }
  return stats;
}

function traitAtoms(leads: LeadFeaturesInput[], train: number[], y: boolean[], minLevel: number, integers: Set<string>): Atom[] {
  const n = train.length;
  const c = train.filter((i) => y[i]).length;
  const out: Atom[] = [];
  const stats = [...traitStats(leads, train, y)].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [trait, s] of stats) {
    if (s.present < minLevel) continue;
    const numeric = s.numbers.length >= 0.95 * s.present;
    const sorted = Float64Array.from(s.numbers).sort();
    let distinct = 0;
    for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
    const partition = numeric && distinct >= 3 ? `n:${trait}` : `c:${trait}`;
    if (numeric && distinct >= 3) {
      const ints = sorted.every(Number.isInteger);
      if (ints) integers.add(trait);
      for (const j of cuts(sorted, minLevel)) {
        const below = sorted[j - 1] as number;
        const t = ints ? (sorted[j] as number) : niceBetween(below, sorted[j] as number);
        out.push({ spec: { type: "gte", trait, t, below }, partition, label: `${trait} ≥ ${fmt(t)}`, support: sorted.length - j, max: 1 });
      }
    }
    // Values as levels: categorical traits, and integer codes with few values.
    const few = s.levels.size <= 200 && (!numeric || (distinct <= 30 && sorted.every(Number.isInteger)));
    if (few && s.levels.size <= Math.max(30, 0.5 * s.present) && s.levels.size >= 2) {
      const missing = n - s.present;
      const scored = [...s.levels.values()]
        .filter((l) => l.n >= minLevel)
        .map((l) => ({ ...l, z: zScore(l.n, l.c, n, c) }))
        .filter((l) => Math.abs(l.z) >= Z_MIN)
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || (String(a.eq) < String(b.eq) ? -1 : 1))
        // With every value listed and none missing, one of them is the reference.
        .slice(0, Math.min(MAX_LEVELS, missing > 0 ? s.levels.size : s.levels.size - 1));
      for (const l of scored)
        out.push({ spec: { type: "eq", trait, eq: l.eq }, partition: `c:${trait}`, label: `${trait} = ${String(l.eq)}`, support: l.n, max: 1 });
    }
    if (n - s.present >= minLevel) out.push({ spec: { type: "missing", trait }, partition, label: `${trait} unknown`, support: n - s.present, max: 1 });
  }
  return out;
}

function parseKey(key: string): { when: Condition; what: string } | null {
  const [kind, a, b] = key.split("|") as [string, string, string | undefined];
  if (kind === "t") return a === "identify" ? null : { when: { event: a } as Condition, what: `any ${a}` };
  if (kind === "n" && b !== undefined) return b.length === 0 || b.length > 200 ? null : { when: { event: a, name: b } as Condition, what: `${a} "${b}"` };
  // Glob characters in a real path would make the rule match other pages: leave such paths out.
  if (kind === "p") return checkGlob(a) !== null || /[*?]/.test(a) ? null : { when: { event: "page_view", path: a }, what: `visited ${a}` };
  return null;
}

function eventAtoms(leads: LeadFeaturesInput[], train: number[], y: boolean[], minLevel: number): Atom[] {
  const n = train.length;
  const c = train.filter((i) => y[i]).length;
  const keys = new Map<string, { counts: number[]; c: number }>();
  const recent = new Map<string, number>();
  for (const i of train) {
    const l = leads[i] as LeadFeaturesInput;
    for (const [k, v] of l.events) {
      if (v <= 0) continue;
      const s = keys.get(k) ?? { counts: [], c: 0 };
      s.counts.push(v);
      if (y[i]) s.c++;
      keys.set(k, s);
    }
    for (const [k, v] of l.recent ?? []) if (v > 0) recent.set(k, (recent.get(k) ?? 0) + 1);
  }
  const chosen = [...keys]
    .filter(([k, s]) => s.counts.length >= minLevel && (k.startsWith("t|") || Math.abs(zScore(s.counts.length, s.c, n, c)) >= Z_MIN))
    .sort((a, b) => b[1].counts.length - a[1].counts.length || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_EVENT_KEYS);
  const out: Atom[] = [];
  for (const [key, s] of chosen) {
    const p = parseKey(key);
    if (!p) continue;
    const partition = `e:${key}`;
    if (s.counts.length < n)
      out.push({ spec: { type: "event", key, times: 1, when: p.when, what: p.what }, partition, label: `${p.what} (at least once)`, support: s.counts.length, max: 1 });
    // "Each time, up to k": k is the upper quartile of the counts of leads that have the event.
    s.counts.sort((x, z) => x - z);
    const k = Math.min(20, s.counts[Math.floor(0.75 * (s.counts.length - 1))] as number);
    if (k >= 2) out.push({ spec: { type: "event", key, times: k, when: p.when, what: p.what }, partition, label: `${p.what} (each, up to ${k} times)`, support: s.counts.length, max: k });
    const r = recent.get(key) ?? 0;
    if (key.startsWith("t|") && r >= minLevel && r < n)
      out.push({
        spec: { type: "recent", key, times: RECENT_DAYS, when: p.when, what: p.what },
        partition: `r:${key}`,
        label: `${p.what}: each day with it in the last ${RECENT_DAYS}`,
        support: r,
        max: RECENT_DAYS,
      });
  }
  return out;
}

/** The atom's condition, as a rule's `when`. */
export function atomCondition(spec: AtomSpec): Condition {
  switch (spec.type) {
    case "gte":
      return { trait: spec.trait, gte: spec.t };
    case "eq":
      return { trait: spec.trait, eq: spec.eq };
    case "missing":
      return { trait: spec.trait, exists: false };
    default:
      return spec.when;
  }
}

/** A trait condition's value for one lead: 1 when it holds (the engine's own predicate), else 0. */
export function traitValue(when: Condition): (l: LeadFeaturesInput) => number {
  const pred = compileTraitCondition(when);
  return (l) => (pred(l.traits) ? 1 : 0);
}

/** The atom's value for one lead: 0/1 for traits, min(count, k) for events, days for recency. */
export function atomValues(atom: Atom): (l: LeadFeaturesInput) => number {
  const s = atom.spec;
  if (s.type === "event") return (l) => Math.min(l.events.get(s.key) ?? 0, s.times);
  if (s.type === "recent") return (l) => Math.min(l.recent?.get(s.key) ?? 0, s.times);
  return traitValue(atomCondition(s));
}

/** Candidate atoms from the training leads (`train`: their indices) and the rows of every lead. */
export function buildAtoms(leads: LeadFeaturesInput[], train: number[], y: boolean[]): AtomSet {
  const minLevel = Math.max(5, Math.ceil(0.002 * train.length));
  const integers = new Set<string>();
  const drafted = [...traitAtoms(leads, train, y, minLevel, integers), ...eventAtoms(leads, train, y, minLevel)];
  const atoms: Atom[] = [];
  const columns: { idx: number[]; val: number[] }[] = [];
  const seen = new Set<string>();
  for (const a of drafted) {
    const value = atomValues(a);
    const idx: number[] = [];
    const val: number[] = [];
    leads.forEach((l, i) => {
      const v = value(l);
      if (v !== 0) {
        idx.push(i);
        val.push(v);
      }
    });
    // A column equal to an earlier one (e.g. "any custom" when every custom event is a call) adds nothing.
    const sig = `${idx.length}:${hashColumn(idx, val)}`;
    if (idx.length === 0 || seen.has(sig)) continue;
    seen.add(sig);
    atoms.push(a);
    columns.push({ idx, val });
  }
  const rows: SparseRow[] = leads.map(() => ({ idx: [], val: [] }));
  columns.forEach((col, j) => {
    for (let k = 0; k < col.idx.length; k++) {
      const r = rows[col.idx[k] as number] as SparseRow;
      r.idx.push(j);
      r.val.push(col.val[k] as number);
    }
  });
  return { atoms, rows, integers };
}

function hashColumn(idx: number[], val: number[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0;
  for (let k = 0; k < idx.length; k++) {
    h1 = Math.imul(h1 ^ (idx[k] as number), 16777619) ^ (val[k] as number);
    h2 = (h2 * 31 + (idx[k] as number) * 7 + (val[k] as number)) % 1_000_000_007;
  }
  return `${h1 >>> 0}:${h2}`;
}
