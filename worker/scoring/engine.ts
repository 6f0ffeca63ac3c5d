/**
 * The scoring engine (SPEC §5): pure functions over (model, state, events, traits, now).
 * No I/O and no clock: `now` (ms) is always passed in, so the same inputs give the same figures
 * in the collect path, the recompute after a model change and the tests.
 */
import { type CRule, type Compiled, compiled, Mode } from "./compile";
import {
  addHalfLife,
  DAY_MS,
  expiringHalfLifeValue,
  expiringValue,
  expiryCutoff,
  firstAfter,
  halfLifeValue,
  insertSorted,
} from "./decay";
import type { EventType, ScoreEvent, Traits } from "./events";
import { EventView, type LeadView } from "./matchers";
import type { Model } from "./model";
import { emptyState, type LeadState, type RuleState, type TriggerState } from "./state";

export type { EventType, ScoreEvent, Traits } from "./events";
export type { LeadState, RuleState, TriggerState } from "./state";
export { emptyState, toLeadState } from "./state";

export interface ScoreResult {
  /** fit + interest, 2 decimals; 0 when disqualified. */
  score: number;
  fit: number;
  interest: number;
  categories: Record<string, { kind: "fit" | "interest"; value: number; max: number }>;
  /** Every rule: counted hits (trait rules: 1 while they match) and current points (after decay). */
  rules: Record<string, { hits: number; points: number }>;
  mustHaves: { id: string; met: boolean }[];
  gates: number;
  qualified: boolean;
  disqualified: boolean;
  disqualifiedBy: string[];
  /** "cold" | a tier name | "disqualified". */
  tier: string;
  /** leadTypeDigit·1000 + gates·100 + min(round(score), 99). */
  code: number;
  /** min(100, round(100·score/model.readiness)). */
  readiness: number;
  /** Promos whose condition holds now (none when disqualified). */
  promos: string[];
}

export interface TriggerFiring {
  triggerId: string;
  /** 1 for the first time the condition became true, 2 for the second… */
  crossing: number;
  webhook: string | null;
}

/** Rounds to 2 decimals; `|| 0` turns -0 into 0 so JSON and equality stay boring. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100 || 0;
}

// ---------------------------------------------------------------------------------------------
// Applying events to a state

/**
 * Copy-on-write view of a state: the input state is never mutated (callers may retry with it),
 * but only the parts an event touches are copied.
 */
class Writer {
  readonly state: LeadState;
  private ownR: boolean;
  private ownE: boolean;
  private readonly ownedRules: Set<string> | null;

  constructor(base: LeadState, fresh: boolean) {
    this.state = fresh ? base : { v: 1, r: base.r, e: base.e, t: base.t };
    this.ownR = fresh;
    this.ownE = fresh;
    this.ownedRules = fresh ? null : new Set();
  }

  rule(id: string): RuleState {
    if (!this.ownR) {
      this.state.r = { ...this.state.r };
      this.ownR = true;
    }
    const cur = this.state.r[id];
    if (cur === undefined) {
      const created: RuleState = { n: 0 };
      this.state.r[id] = created;
      this.ownedRules?.add(id);
      return created;
    }
    if (this.ownedRules === null || this.ownedRules.has(id)) return cur;
    const copy: RuleState = { ...cur };
    if (cur.t) copy.t = cur.t.slice();
    if (cur.s) copy.s = { ...cur.s };
    if (cur.d) copy.d = { ...cur.d };
    this.state.r[id] = copy;
    this.ownedRules.add(id);
    return copy;
  }

  seen(key: string): void {
    if (!this.ownE) {
      this.state.e = { ...this.state.e };
      this.ownE = true;
    }
    this.state.e[key] = 1;
  }
}

function limitKey(r: CRule, ev: ScoreEvent): string {
  return r.limit?.per === "session" ? (ev.sessionId ?? "") : String(Math.floor(ev.ts / DAY_MS));
}

/** Counts one match of an event rule, honouring its limit (in arrival order). */
function countHit(r: CRule, ev: ScoreEvent, w: Writer, now: number): void {
  const existing = w.state.r[r.id];
  const limit = r.limit;
  let key: string | null = null;
  if (limit) {
    if (limit.per === "lead") {
      if (existing && existing.n >= limit.times) return;
    } else {
      key = limitKey(r, ev);
      const map = limit.per === "session" ? existing?.s : existing?.d;
      if ((map?.[key] ?? 0) >= limit.times) return;
    }
  }
  const rs = w.rule(r.id);
  rs.n++;
  if (key !== null) {
    const field = limit?.per === "session" ? "s" : "d";
    const map = (rs[field] ??= {});
    map[key] = (map[key] ?? 0) + 1;
  }
  switch (r.mode) {
    case Mode.Forever:
      break;
    case Mode.HalfLife:
      addHalfLife(rs, r.points, ev.ts, r.halfLifeMs);
      break;
    default: {
      const cutoff = expiryCutoff(now, r.expireMs);
      const times = (rs.t ??= []);
      if (ev.ts > cutoff) insertSorted(times, ev.ts);
      // Drop what has expired by now; it can never count again (time only moves forward).
      const live = firstAfter(times, cutoff);
      if (live > 0) times.splice(0, live);
    }
  }
}

function ingest(c: Compiled, w: Writer, events: readonly ScoreEvent[], now: number): void {
  for (const ev of events) {
    // Validation happens at the edge; a broken event must still never poison the state.
    if (!Number.isFinite(ev.ts)) continue;
    const rules = c.eventRulesByType[ev.type as EventType] as CRule[] | undefined;
    const leaves = c.leavesByType[ev.type as EventType];
    if (rules === undefined || leaves === undefined) continue;
    if (rules.length === 0 && leaves.length === 0) continue;
    const view = new EventView(ev);
    for (const r of rules) if ((r.event as NonNullable<CRule["event"]>)(view)) countHit(r, ev, w, now);
    for (const leaf of leaves) if (w.state.e[leaf.key] !== 1 && leaf.match(view)) w.seen(leaf.key);
  }
}

// ---------------------------------------------------------------------------------------------
// Figures at a time

interface Core {
  values: Float64Array;
  hits: Float64Array;
  met: Uint8Array;
  catValues: Float64Array;
  fit: number;
  interest: number;
  score: number;
  gates: number;
  disqualifiedBy: string[];
  tierRank: number;
  readiness: number;
}

function ruleValue(r: CRule, rs: RuleState, now: number): number {
  switch (r.mode) {
    case Mode.Forever:
      return r.points * rs.n;
    case Mode.HalfLife:
      return halfLifeValue(rs, now, r.halfLifeMs);
    case Mode.Expire:
      return rs.t ? expiringValue(rs.t, r.points, now, r.expireMs) : 0;
    default:
      return rs.t ? expiringHalfLifeValue(rs.t, r.points, now, r.expireMs, r.halfLifeMs) : 0;
  }
}

function core(c: Compiled, model: Model, state: LeadState, traits: Traits, now: number): Core {
  const n = c.rules.length;
  const values = new Float64Array(n);
  const hits = new Float64Array(n);
  const met = new Uint8Array(n);
  const sums = new Float64Array(c.categories.length);
  let gates = 0;
  const disqualifiedBy: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = c.rules[i] as CRule;
    let v = 0;
    let holds = false;
    if (r.trait) {
      holds = r.trait(traits);
      if (holds) {
        v = r.points;
        hits[i] = 1;
      }
    } else {
      const rs = state.r[r.id];
      if (rs && rs.n > 0) {
        holds = true;
        hits[i] = rs.n;
        v = ruleValue(r, rs, now);
      }
    }
    values[i] = v;
    if (holds) met[i] = 1;
    if (r.cat >= 0) sums[r.cat] = (sums[r.cat] as number) + v;
    if (holds && r.must) gates++;
    if (holds && r.disqualify) disqualifiedBy.push(r.id);
  }
  const catValues = new Float64Array(c.categories.length);
  let fit = 0;
  let interest = 0;
  for (let k = 0; k < c.categories.length; k++) {
    const cat = c.categories[k] as Compiled["categories"][number];
    const v = Math.min(cat.max, Math.max(0, sums[k] as number));
    catValues[k] = v;
    if (cat.kind === "fit") fit += v;
    else interest += v;
  }
  fit = round2(fit);
  interest = round2(interest);
  let score = round2(fit + interest);
  const disqualified = disqualifiedBy.length > 0;
  if (disqualified) score = fit = interest = 0;
  let tierRank = -1;
  if (disqualified) tierRank = -2;
  else if (gates === c.mustCount) {
    for (let k = c.tiers.length - 1; k >= 0; k--) {
      if ((c.tiers[k] as { min: number }).min <= score) {
        tierRank = k;
        break;
      }
    }
  }
  const readiness = Math.min(100, Math.round((100 * score) / model.readiness));
  return { values, hits, met, catValues, fit, interest, score, gates, disqualifiedBy, tierRank, readiness };
}

function leadView(k: Core, traits: Traits, state: LeadState): LeadView {
  return { score: k.score, readiness: k.readiness, tierRank: k.tierRank, traits, seen: state.e };
}

function leadTypeDigit(model: Model, traits: Traits): number {
  const lt = model.leadType;
  if (!lt) return 0;
  const v = traits[lt.trait];
  if (v === undefined || v === null) return 0;
  return lt.codes[String(v)] ?? 0;
}

function buildResult(c: Compiled, model: Model, k: Core, traits: Traits, state: LeadState): ScoreResult {
  const categories: ScoreResult["categories"] = {};
  c.categories.forEach((cat, i) => {
    categories[cat.id] = { kind: cat.kind, value: round2(k.catValues[i] as number), max: cat.max };
  });
  // Copying a template that already has every key keeps V8 from building a 50-key object one
  // insertion at a time (dictionary mode), the largest single cost of a result.
  const rules: ScoreResult["rules"] = { ...c.rulesTemplate };
  const mustHaves: ScoreResult["mustHaves"] = [];
  for (let i = 0; i < c.rules.length; i++) {
    const r = c.rules[i] as CRule;
    rules[r.id] = { hits: k.hits[i] as number, points: round2(k.values[i] as number) };
    if (r.must) mustHaves.push({ id: r.id, met: k.met[i] === 1 });
  }
  const disqualified = k.tierRank === -2;
  const promos: string[] = [];
  if (!disqualified) {
    const lv = leadView(k, traits, state);
    for (const p of c.promos) if (p.when(lv)) promos.push(p.id);
  }
  const tier = disqualified ? "disqualified" : k.tierRank < 0 ? "cold" : (c.tiers[k.tierRank] as { name: string }).name;
  return {
    score: k.score,
    fit: k.fit,
    interest: k.interest,
    categories,
    rules,
    mustHaves,
    gates: k.gates,
    qualified: k.gates === c.mustCount,
    disqualified,
    disqualifiedBy: k.disqualifiedBy,
    tier,
    code: leadTypeDigit(model, traits) * 1000 + k.gates * 100 + Math.min(Math.round(k.score), 99),
    readiness: k.readiness,
    promos,
  };
}

/** Trigger conditions never hold for a disqualified lead (no alert for it). */
function triggerConditions(c: Compiled, k: Core, traits: Traits, state: LeadState): boolean[] {
  if (k.tierRank === -2) return c.triggers.map(() => false);
  const lv = leadView(k, traits, state);
  return c.triggers.map((t) => t.when(lv));
}

// ---------------------------------------------------------------------------------------------
// Public API

export interface ApplyOptions {
  /**
   * Update `state` in place instead of copying what changes. For callers that own the object
   * (parsed from storage for this request): saves copying per-session/per-day limit counters
   * and hit-time lists of long histories. The input must not be used afterwards.
   */
  reuseState?: boolean;
}

/**
 * Applies new events (arrival order) to a state and returns the new state (the input is not
 * mutated), the figures at `now` and the triggers that fired. Each trigger's condition is
 * evaluated at `now` before the events (false re-arms it) and after them (true while armed
 * fires it once, disarms it and counts one more crossing).
 */
export function applyEvents(
  model: Model,
  state: LeadState,
  events: readonly ScoreEvent[],
  traits: Traits,
  now: number,
  opts?: ApplyOptions,
): { state: LeadState; result: ScoreResult; fired: TriggerFiring[] } {
  const c = compiled(model);
  const before = c.triggers.length ? triggerConditions(c, core(c, model, state, traits, now), traits, state) : [];
  const w = new Writer(state, opts?.reuseState === true);
  ingest(c, w, events, now);
  const next = w.state;
  const k = core(c, model, next, traits, now);
  const fired: TriggerFiring[] = [];
  if (c.triggers.length) {
    const after = triggerConditions(c, k, traits, next);
    let ownT = false;
    c.triggers.forEach((t, i) => {
      const cur: TriggerState = next.t[t.id] ?? [1, 0];
      let armed = before[i] ? cur[0] : 1;
      let crossings = cur[1];
      if (after[i] && armed === 1) {
        armed = 0;
        crossings++;
        fired.push({ triggerId: t.id, crossing: crossings, webhook: t.webhook });
      }
      if (armed !== cur[0] || crossings !== cur[1]) {
        if (!ownT) {
          next.t = { ...next.t };
          ownT = true;
        }
        next.t[t.id] = [armed as 0 | 1, crossings];
      }
    });
  }
  return { state: next, result: buildResult(c, model, k, traits, next), fired };
}

/** Figures at `now` (decay applied) without changing anything. */
export function evaluate(model: Model, state: LeadState, traits: Traits, now: number): ScoreResult {
  const c = compiled(model);
  return buildResult(c, model, core(c, model, state, traits, now), traits, state);
}

/**
 * Rebuilds a state from all stored events (arrival order). The figures equal those of the
 * incremental path. A recompute never fires triggers: a trigger whose condition holds now is
 * stored as already crossed (so a model change does not alert every lead that already
 * qualifies), otherwise armed; crossing counters are carried over from `previous` if given.
 */
export function recompute(
  model: Model,
  events: readonly ScoreEvent[],
  traits: Traits,
  now: number,
  previous?: LeadState,
): { state: LeadState; result: ScoreResult } {
  const c = compiled(model);
  const w = new Writer(emptyState(), true);
  ingest(c, w, events, now);
  const state = w.state;
  const k = core(c, model, state, traits, now);
  const conds = triggerConditions(c, k, traits, state);
  c.triggers.forEach((t, i) => {
    const crossings = previous?.t[t.id]?.[1] ?? 0;
    const armed: 0 | 1 = conds[i] ? 0 : 1;
    if (armed !== 1 || crossings !== 0) state.t[t.id] = [armed, crossings];
  });
  return { state, result: buildResult(c, model, k, traits, state) };
}

/** Ids of the event rules an event of this type is tested against (the per-type index). */
export function rulesForEventType(model: Model, type: EventType): string[] {
  return (compiled(model).eventRulesByType[type] ?? []).map((r) => r.id);
}
