/**
 * Candidate rules for the suggested model, derived from what the window's leads look like:
 * - traits: a categorical trait gives one rule per frequent value (`eq`) plus one for the rest
 *   (`neq` every listed value, which also holds when the trait is missing); a numeric trait is cut
 *   into quantile bins (`lte` / `gte` + `lte` / `gte`, bounds taken from the data) plus one rule
 *   for leads without it (`exists: false`). Each trait is one group of mutually exclusive levels.
 * - events (counted before the lead's conversion, see load.ts): per event type, per custom /
 *   form name, per page path: "at least once" (`limit: {times: 1, per: "lead"}`) and, when
 *   leads that have it usually have it several times, "each time up to k" (`limit: {times: k}`).
 *
 * Feature values are computed with the engine's own predicates (trait rules) or exactly as the
 * engine counts limited hits (min(count, k)), so the fitted points mean the same thing once the
 * rules run in the engine. A level or a "rest" seen in fewer than 1 % of the leads gets no rule
 * (its leads then match no level of the group and score as its lowest level). Candidates are chosen without looking at conversions (support only),
 * so cross-validation does not leak through feature selection. At most `maxFeatures` (60).
 */
import type { Condition, TraitMatcher } from "../scoring/condition";
import type { Traits } from "../scoring/events";
import { checkGlob } from "../scoring/glob";
import { compileTraitCondition, toNumber } from "../scoring/matchers";
import type { SparseRow } from "./logistic";

export interface LeadFeaturesInput {
  traits: Traits;
  /** Event counts by key: `t|type`, `n|type|name` (custom, form_submit), `p|/path` (page_view). */
  events: Map<string, number>;
}

export interface Candidate {
  /** Rule id (unique, valid in a model). */
  id: string;
  kind: "trait" | "event";
  /** Trait name or event key; the levels of one trait group are mutually exclusive. */
  group: string;
  label: string;
  when: Condition;
  /** Event rules: counted hits per lead are capped at this (feature = min(count, times)). */
  times?: number;
  /** Leads with a non-zero value. */
  support: number;
}

export interface FeatureSet {
  candidates: Candidate[];
  rows: SparseRow[];
  /** Rule ids in use (candidates' and reserved ones), for rules derived later. */
  ids: Set<string>;
}

export interface CandidateOptions {
  maxFeatures?: number;
  /** Levels per categorical trait (the rest is "other"). */
  maxLevels?: number;
  /** Quantile bins per numeric trait. */
  bins?: number;
}

const MAX_FEATURES = 60;
// Personal or identifying traits never become rules.
const PERSONAL = /^(e-?mail|name|first_?name|last_?name|full_?name|phone|mobile|tel|address|street|zip|postcode|postal_?code|ip|id|user_?id|lead_?id|visitor_?id)$/i;

export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9_.]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 56) || "x"
  );
}

/** Normalised value as trait equality sees it: numbers and numeric strings alike, strings case-insensitive. */
function levelKey(v: unknown): { key: string; eq: string | number | boolean } | null {
  if (typeof v === "number") return Number.isFinite(v) ? { key: `n:${v}`, eq: v } : null;
  if (typeof v === "boolean") return { key: `b:${v}`, eq: v };
  if (typeof v === "string") {
    const t = v.trim();
    if (t === "" || t.length > 200) return null;
    const n = toNumber(t);
    if (n !== null) return { key: `n:${n}`, eq: n };
    const lower = v.toLowerCase();
    if (lower === "true" || lower === "false") return { key: `b:${lower}`, eq: lower === "true" };
    return { key: `s:${lower}`, eq: lower };
  }
  return null;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== "";

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** A candidate before it gets its id and its column; `suffix` names it. */
interface Draft {
  kind: "trait" | "event";
  group: string;
  label: string;
  when: Condition;
  times?: number;
  suffix: string;
}

interface Group {
  support: number;
  levels: Draft[];
}

function traitGroups(leads: LeadFeaturesInput[], minSupport: number, maxLevels: number, bins: number): Group[] {
  const n = leads.length;
  const stats = new Map<string, { present: number; numbers: number[]; levels: Map<string, { eq: string | number | boolean; count: number }> }>();
  for (const l of leads) {
    for (const [k, v] of Object.entries(l.traits)) {
      if (!present(v) || PERSONAL.test(k) || k.length > 64) continue;
      let s = stats.get(k);
      if (!s) stats.set(k, (s = { present: 0, numbers: [], levels: new Map() }));
      s.present++;
      const num = typeof v === "boolean" ? null : toNumber(v);
      if (num !== null) s.numbers.push(num);
      // Distinct values are only tracked while few: a trait with hundreds is an identifier or free text.
      if (s.levels.size <= 200) {
        const lk = levelKey(v);
        if (lk) {
          const cur = s.levels.get(lk.key);
          if (cur) cur.count++;
          else s.levels.set(lk.key, { eq: lk.eq, count: 1 });
        }
      }
    }
  }
  const groups: Group[] = [];
  for (const [trait, s] of [...stats].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (s.present < minSupport) continue;
    const levels: Group["levels"] = [];
    const missing = n - s.present;
    const distinctNumbers = new Set(s.numbers).size;
    if (s.numbers.length >= 0.95 * s.present && distinctNumbers > 6) {
      const sorted = Float64Array.from(s.numbers).sort();
      const integers = sorted.every(Number.isInteger);
      // Lower bounds of the bins: quantiles, deduplicated.
      const lows: number[] = [];
      for (let k = 1; k < bins; k++) {
        const c = sorted[Math.floor((k * sorted.length) / bins)] as number;
        if (c > (sorted[0] as number) && (lows.length === 0 || c > (lows[lows.length - 1] as number))) lows.push(c);
      }
      const highOf = (bound: number) => {
        if (integers) return bound - 1;
        // The largest observed value below the next bin's lower bound.
        let lo = 0;
        let hi = sorted.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if ((sorted[mid] as number) < bound) lo = mid;
          else hi = mid - 1;
        }
        return sorted[lo] as number;
      };
      for (let k = 0; k <= lows.length; k++) {
        const low = k === 0 ? null : (lows[k - 1] as number);
        const high = k === lows.length ? null : highOf(lows[k] as number);
        let when: Condition;
        let label: string;
        let suffix: string;
        if (low === null && high !== null) {
          when = { trait, lte: high };
          label = `${trait} ≤ ${fmt(high)}`;
          suffix = `lte-${fmt(high)}`;
        } else if (high === null && low !== null) {
          when = { trait, gte: low };
          label = `${trait} ≥ ${fmt(low)}`;
          suffix = `gte-${fmt(low)}`;
        } else {
          when = { all: [{ trait, gte: low as number }, { trait, lte: high as number }] };
          label = `${trait} ${fmt(low as number)} to ${fmt(high as number)}`;
          suffix = `${fmt(low as number)}-${fmt(high as number)}`;
        }
        levels.push({ kind: "trait", group: trait, label, when, suffix });
      }
      if (missing >= minSupport) levels.push({ kind: "trait", group: trait, label: `${trait} unknown`, when: { trait, exists: false }, suffix: "unknown" });
    } else {
      // Categorical, unless it looks like an identifier or free text.
      if (s.levels.size > 200 || s.levels.size > Math.max(20, 0.5 * s.present)) continue;
      const top = [...s.levels.values()].filter((x) => x.count >= minSupport).sort((a, b) => b.count - a.count || (String(a.eq) < String(b.eq) ? -1 : 1)).slice(0, maxLevels);
      if (top.length === 0) continue;
      for (const t of top)
        levels.push({ kind: "trait", group: trait, label: `${trait} = ${String(t.eq)}`, when: { trait, eq: t.eq }, suffix: String(t.eq) });
      const rest = n - top.reduce((a, t) => a + t.count, 0);
      if (rest >= minSupport) {
        const neqs: TraitMatcher[] = top.map((t) => ({ trait, neq: t.eq }));
        levels.push({
          kind: "trait",
          group: trait,
          label: `${trait} other or unknown`,
          when: neqs.length === 1 ? (neqs[0] as TraitMatcher) : { all: neqs },
          suffix: "other",
        });
      }
    }
    if (levels.length >= 2) groups.push({ support: s.present, levels });
  }
  return groups;
}

function parseKey(key: string): { when: Condition; label: string; slug: string } | null {
  const [kind, a, b] = key.split("|") as [string, string, string | undefined];
  if (kind === "t") {
    if (a === "identify") return null;
    return { when: { event: a } as Condition, label: `any ${a}`, slug: a };
  }
  if (kind === "n" && b !== undefined) {
    if (b.length === 0 || b.length > 200) return null;
    return { when: { event: a, name: b } as Condition, label: `${a} "${b}"`, slug: b };
  }
  if (kind === "p") {
    // Glob characters in a real path would make the rule match other pages: leave such paths out.
    if (checkGlob(a) !== null || /[*?]/.test(a)) return null;
    return { when: { event: "page_view", path: a }, label: `visited ${a}`, slug: `page-${a}` };
  }
  return null;
}

function eventCandidates(leads: LeadFeaturesInput[], minSupport: number): Draft[] {
  const counts = new Map<string, number[]>();
  for (const l of leads)
    for (const [k, c] of l.events) {
      if (c <= 0) continue;
      let list = counts.get(k);
      if (!list) counts.set(k, (list = []));
      list.push(c);
    }
  const out: Draft[] = [];
  const n = leads.length;
  for (const [key, list] of [...counts].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
    if (list.length < minSupport) continue;
    const parsed = parseKey(key);
    if (!parsed) continue;
    if (list.length < n) out.push({ kind: "event", group: key, label: `${parsed.label} (at least once)`, when: parsed.when, times: 1, suffix: parsed.slug });
    // "Each time, up to k": k is the upper quartile of the counts of leads that have the event.
    list.sort((x, y) => x - y);
    const k = Math.min(20, list[Math.floor(0.75 * (list.length - 1))] as number);
    if (k >= 2) out.push({ kind: "event", group: key, label: `${parsed.label} (each, up to ${k} times)`, when: parsed.when, times: k, suffix: `${parsed.slug}-x${k}` });
  }
  return out;
}

function eventValue(l: LeadFeaturesInput, c: Draft): number {
  return Math.min(l.events.get(c.group) ?? 0, c.times ?? 1);
}

/** Builds the candidates and the sparse feature rows (one per lead, in input order). */
export function buildFeatures(leads: LeadFeaturesInput[], opts: CandidateOptions = {}, reservedIds: Iterable<string> = []): FeatureSet {
  const maxFeatures = opts.maxFeatures ?? MAX_FEATURES;
  const minSupport = Math.max(2, Math.ceil(0.01 * leads.length));
  const groups = traitGroups(leads, minSupport, opts.maxLevels ?? 6, opts.bins ?? 5).sort((a, b) => b.support - a.support);
  const events = eventCandidates(leads, minSupport);
  // Budget: events get what traits leave, but at least a third of the features when they exist.
  const traitTotal = groups.reduce((a, g) => a + g.levels.length, 0);
  const eventBudget = Math.min(events.length, Math.max(Math.ceil(maxFeatures / 3), maxFeatures - traitTotal));
  let traitBudget = maxFeatures - eventBudget;

  const chosen: Draft[] = [];
  for (const g of groups) {
    if (g.levels.length > traitBudget) continue;
    traitBudget -= g.levels.length;
    chosen.push(...g.levels);
  }
  chosen.push(...events.slice(0, eventBudget));

  // Feature columns; an event column identical to an earlier one (e.g. "any custom" when every
  // custom event is a call) is dropped.
  const used = new Set(reservedIds);
  const candidates: Candidate[] = [];
  const columns: { idx: number[]; val: number[] }[] = [];
  const seen = new Set<string>();
  for (const c of chosen) {
    const pred = c.kind === "trait" ? compileTraitCondition(c.when) : null;
    const idx: number[] = [];
    const val: number[] = [];
    leads.forEach((l, i) => {
      const v = pred ? (pred(l.traits) ? 1 : 0) : eventValue(l, c);
      if (v !== 0) {
        idx.push(i);
        val.push(v);
      }
    });
    if (idx.length === 0) continue;
    if (c.kind === "event") {
      const sig = `${idx.length}:${hashColumn(idx, val)}`;
      if (seen.has(sig) || (idx.length === leads.length && val.every((v) => v === val[0]))) continue;
      seen.add(sig);
    }
    const base = slug(c.kind === "trait" ? `${c.group}-${c.suffix}` : c.suffix);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    const cand: Candidate = { id, kind: c.kind, group: c.group, label: c.label, when: c.when, support: idx.length };
    if (c.times !== undefined) cand.times = c.times;
    candidates.push(cand);
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
  return { candidates, rows, ids: used };
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
