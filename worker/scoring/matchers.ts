/**
 * Conditions compiled to predicates: over one event (event rules), over traits (trait rules),
 * and over the whole lead (triggers and promos, where an event matcher means "has had such an
 * event" and is answered from flags kept in the lead state).
 */
import type { AllOf, AnyOf, Condition, EventMatcher, Primitive, TraitMatcher } from "./condition";
import { EVENT_TYPES, type EventType, type ScoreEvent, type Traits } from "./events";
import { compileGlob, eventPath } from "./glob";

/** One event as seen by matchers; the path is extracted once, only if a rule asks for it. */
export class EventView {
  ev: ScoreEvent;
  private p: string | null | undefined = undefined;
  constructor(ev: ScoreEvent) {
    this.ev = ev;
  }
  get path(): string | null {
    if (this.p === undefined) this.p = eventPath(this.ev.path, this.ev.url);
    return this.p;
  }
}

export type EventPred = (v: EventView) => boolean;
export type TraitPred = (t: Traits) => boolean;

export interface LeadView {
  score: number;
  readiness: number;
  /** -2 disqualified, -1 cold, else index into the ascending tiers. */
  tierRank: number;
  traits: Traits;
  /** Event leaves of lead conditions that some event has matched. */
  seen: Record<string, 1>;
}
export type LeadPred = (l: LeadView) => boolean;

/** An event matcher inside a trigger/promo condition, tracked as a "seen" flag. */
export interface EventLeaf {
  key: string;
  types: ReadonlySet<EventType> | null;
  match: EventPred;
}

const isAll = (c: Condition): c is AllOf => "all" in c;
const isAny = (c: Condition): c is AnyOf => "any" in c;
const isTrait = (c: Condition): c is TraitMatcher => "trait" in c;
const isLead = (c: Condition) => "tier" in c || "score" in c || "readiness" in c;

export function toNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Trait equality: numbers compare numerically (a numeric string trait equals the number),
 * strings case-insensitively (form input is rarely consistent in case), booleans also
 * against "true"/"false".
 */
export function traitEquals(value: unknown, want: Primitive): boolean {
  if (value === undefined || value === null) return false;
  if (typeof want === "number") return toNumber(value) === want;
  if (typeof want === "boolean") {
    return value === want || (typeof value === "string" && value.toLowerCase() === String(want));
  }
  if (typeof value === "string") return value.toLowerCase() === want.toLowerCase();
  if (typeof value === "number") return toNumber(want) === value;
  if (typeof value === "boolean") return want.toLowerCase() === String(value);
  return false;
}

export function compileTrait(m: TraitMatcher): TraitPred {
  const k = m.trait;
  if (m.eq !== undefined) {
    const want = m.eq;
    return (t) => traitEquals(t[k], want);
  }
  if (m.neq !== undefined) {
    const want = m.neq;
    // A missing trait is "not equal": `occupation neq student` holds for unknown occupations.
    return (t) => !traitEquals(t[k], want);
  }
  if (m.in !== undefined) {
    const list = m.in;
    return (t) => {
      const v = t[k];
      for (const w of list) if (traitEquals(v, w)) return true;
      return false;
    };
  }
  if (m.gte !== undefined) {
    const n = m.gte;
    return (t) => {
      const v = toNumber(t[k]);
      return v !== null && v >= n;
    };
  }
  if (m.lte !== undefined) {
    const n = m.lte;
    return (t) => {
      const v = toNumber(t[k]);
      return v !== null && v <= n;
    };
  }
  if (m.contains !== undefined) {
    const want = m.contains;
    const needle = String(want).toLowerCase();
    return (t) => {
      const v = t[k];
      if (typeof v === "string") return v.toLowerCase().includes(needle);
      if (Array.isArray(v)) return v.some((x) => traitEquals(x, want));
      return false;
    };
  }
  const exists = m.exists !== false;
  return (t) => {
    const v = t[k];
    return (v !== undefined && v !== null && v !== "") === exists;
  };
}

function compileEventLeaf(m: EventMatcher): EventPred {
  const tests: EventPred[] = [];
  if (m.event !== undefined) {
    const type = m.event;
    tests.push((v) => v.ev.type === type);
  }
  if (m.name !== undefined) {
    const name = m.name;
    tests.push((v) => v.ev.name === name);
  }
  if (m.path !== undefined) {
    const glob = compileGlob(m.path);
    tests.push((v) => {
      const p = v.path;
      return p !== null && glob(p);
    });
  }
  if (m.url !== undefined) {
    const needle = m.url.toLowerCase();
    tests.push((v) => typeof v.ev.url === "string" && v.ev.url.toLowerCase().includes(needle));
  }
  if (m.props !== undefined) {
    const entries = Object.entries(m.props);
    tests.push((v) => {
      const props = v.ev.props;
      if (!props) return false;
      for (const [key, want] of entries) if (props[key] !== want) return false;
      return true;
    });
  }
  if (m.minDurationSec !== undefined) {
    const min = m.minDurationSec;
    tests.push((v) => {
      const d = toNumber(v.ev.props?.duration);
      return d !== null && d >= min;
    });
  }
  return and(tests);
}

function and<T>(preds: ((x: T) => boolean)[]): (x: T) => boolean {
  if (preds.length === 1) return preds[0] as (x: T) => boolean;
  if (preds.length === 2) {
    const [a, b] = preds as [(x: T) => boolean, (x: T) => boolean];
    return (x) => a(x) && b(x);
  }
  return (x) => {
    for (const p of preds) if (!p(x)) return false;
    return true;
  };
}

function or<T>(preds: ((x: T) => boolean)[]): (x: T) => boolean {
  if (preds.length === 1) return preds[0] as (x: T) => boolean;
  return (x) => {
    for (const p of preds) if (p(x)) return true;
    return false;
  };
}

/** A rule condition that is about events (validated: no trait or lead matchers inside). */
export function compileEventCondition(c: Condition): EventPred {
  if (isAll(c)) return and(c.all.map(compileEventCondition));
  if (isAny(c)) return or(c.any.map(compileEventCondition));
  return compileEventLeaf(c as EventMatcher);
}

/** A rule condition that is about traits. */
export function compileTraitCondition(c: Condition): TraitPred {
  if (isAll(c)) return and(c.all.map(compileTraitCondition));
  if (isAny(c)) return or(c.any.map(compileTraitCondition));
  return compileTrait(c as TraitMatcher);
}

/** Whether a rule condition is about traits (else events); rules are never mixed. */
export function isTraitCondition(c: Condition): boolean {
  if (isAll(c)) return c.all.length > 0 && isTraitCondition(c.all[0] as Condition);
  if (isAny(c)) return c.any.length > 0 && isTraitCondition(c.any[0] as Condition);
  return isTrait(c);
}

/** Event types an event condition can match; null = any type. Used to index rules. */
export function eventTypesOf(c: Condition): Set<EventType> | null {
  if (isAll(c)) {
    let acc: Set<EventType> | null = null;
    for (const sub of c.all) {
      const s = eventTypesOf(sub);
      if (s === null) continue;
      const prev: Set<EventType> | null = acc;
      acc = prev === null ? new Set(s) : new Set([...prev].filter((t: EventType) => s.has(t)));
    }
    return acc;
  }
  if (isAny(c)) {
    const acc = new Set<EventType>();
    for (const sub of c.any) {
      const s = eventTypesOf(sub);
      if (s === null) return null;
      for (const t of s) acc.add(t);
    }
    return acc;
  }
  const e = (c as EventMatcher).event;
  return e === undefined ? null : new Set([e]);
}

/**
 * A trigger/promo condition. Event leaves are registered in `leaves` (keyed `${owner}:${n}`) so
 * the engine can flag them as events arrive.
 */
export function compileLeadCondition(
  c: Condition,
  owner: string,
  tierRank: (name: string) => number,
  leaves: EventLeaf[],
): LeadPred {
  let n = 0;
  const walk = (c: Condition): LeadPred => {
    if (isAll(c)) return and(c.all.map(walk));
    if (isAny(c)) return or(c.any.map(walk));
    if (isTrait(c)) {
      const p = compileTrait(c);
      return (l) => p(l.traits);
    }
    if (isLead(c)) {
      if ("tier" in c) {
        const rank = tierRank(c.tier);
        if (rank === -2) return () => false; // "disqualified" matches nothing
        return (l) => l.tierRank >= rank;
      }
      if ("score" in c) {
        const min = c.score;
        return (l) => l.score >= min;
      }
      const min = (c as { readiness: number }).readiness;
      return (l) => l.readiness >= min;
    }
    const key = `${owner}:${n++}`;
    leaves.push({ key, types: eventTypesOf(c), match: compileEventLeaf(c as EventMatcher) });
    return (l) => l.seen[key] === 1;
  };
  return walk(c);
}

export { EVENT_TYPES };
