/**
 * The scoring engine (SPEC §5): pure functions over (model, state, events, traits, now).
 * No I/O and no clock: `now` (ms) is always passed in, so the same inputs give the same figures
 * in the collect path, the recompute after a model change and the tests.
 */
import { counterGet, counterSet, encAbs, encNext, ListReader, setHas, setToken } from "./codec";
import { type CRule, type Compiled, compiled, type Figures, Mode, type Scratch } from "./compile";
import {
  addExpiring,
  addHalfLife,
  DAY_MS,
  expiringHalfLifeValue,
  expiringValue,
  expiryCutoff,
  halfLifeValue,
  pruneExpiring,
  skippedExpired,
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
 * but only the parts an event touches are copied (lists are strings: copying a rule is O(1)).
 * Also records which rules changed, so the figures after the events only recompute those.
 */
class Writer {
  readonly state: LeadState;
  /** Compiled indices of the rules whose state may have changed. */
  readonly touched: number[] = [];
  private ownR: boolean;
  private ownE: boolean;
  private readonly fresh: boolean;
  private readonly scratch: Scratch;
  private readonly gen: number;

  constructor(c: Compiled, base: LeadState, fresh: boolean) {
    this.state = fresh ? base : { v: 2, r: base.r, e: base.e, t: base.t };
    this.ownR = fresh;
    this.ownE = fresh;
    this.fresh = fresh;
    this.scratch = c.scratch;
    this.gen = c.scratch.gen = (c.scratch.gen + 1) >>> 0 || 1;
  }

  rule(r: CRule): RuleState {
    const sc = this.scratch;
    if (sc.touched[r.idx] !== this.gen) {
      sc.touched[r.idx] = this.gen;
      this.touched.push(r.idx);
    }
    if (!this.ownR) {
      this.state.r = { ...this.state.r };
      this.ownR = true;
    }
    const cur = this.state.r[r.id];
    if (cur === undefined) {
      const created = ruleState(0);
      this.state.r[r.id] = created;
      sc.owned[r.idx] = this.gen;
      return created;
    }
    if (this.fresh || sc.owned[r.idx] === this.gen) return cur;
    // A spread clone is far cheaper than reading each (possibly absent) field of the various
    // shapes JSON.parse produces.
    const copy: RuleState = { ...cur };
    this.state.r[r.id] = copy;
    sc.owned[r.idx] = this.gen;
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

function ruleState(n: number): RuleState {
  return { n };
}

const days = new ListReader();

/**
 * Per-day counters: a newest-first list of UTC day numbers (codec.ts), each followed by its
 * count when the limit allows more than one hit a day (with times = 1, present means full).
 */
function dayCount(list: string | undefined, day: number, counts: boolean): number {
  if (!list) return 0;
  const r = days.reset(list, -1);
  while (!r.done()) {
    const v = r.next();
    const n = counts ? r.nextRaw() : 1;
    if (v === day) return n;
    if (v < day) return 0;
  }
  return 0;
}

function setDayCount(list: string | undefined, day: number, count: number, counts: boolean): string {
  const cnt = counts ? encAbs(count) : "";
  if (!list) return encAbs(day) + cnt;
  const r = days.reset(list, -1);
  const newest = r.next();
  if (day > newest) return encAbs(day) + cnt + encNext(day, newest, -1) + list.slice(r.pos);
  if (day === newest) {
    if (counts) r.nextRaw();
    return encAbs(day) + cnt + list.slice(r.pos);
  }
  const ds: number[] = [];
  const ns: number[] = [];
  r.reset(list, -1);
  while (!r.done()) {
    ds.push(r.next());
    ns.push(counts ? r.nextRaw() : 1);
  }
  let i = 0;
  while (i < ds.length && (ds[i] as number) > day) i++;
  if (ds[i] === day) ns[i] = count;
  else {
    ds.splice(i, 0, day);
    ns.splice(i, 0, count);
  }
  let out = "";
  for (let k = 0; k < ds.length; k++) {
    out += k === 0 ? encAbs(ds[0] as number) : encNext(ds[k - 1] as number, ds[k] as number, -1);
    if (counts) out += encAbs(ns[k] as number);
  }
  return out;
}

/** Counts one match of an event rule, honouring its limit (in arrival order). */
function countHit(r: CRule, ev: ScoreEvent, w: Writer, now: number): void {
  const existing = w.state.r[r.id];
  const limit = r.limit;
  if (limit) {
    if (limit.per === "lead") {
      if (existing && existing.n >= limit.times) return;
    } else if (limit.per === "session") {
      const sid = ev.sessionId ?? "";
      const token = setToken(sid);
      if (setHas(existing?.s, token)) return;
      const rs = w.rule(r);
      if (limit.times === 1) rs.s = (rs.s ?? "") + " " + token;
      else {
        const count = counterGet(rs.sq, token) + 1;
        if (count >= limit.times) {
          rs.s = (rs.s ?? "") + " " + token;
          const rest = counterSet(rs.sq, token, 0);
          rs.sq = rest === "" ? undefined : rest;
        } else rs.sq = counterSet(rs.sq, token, count);
      }
    } else {
      const day = Math.floor(ev.ts / DAY_MS);
      const counts = limit.times > 1;
      const count = dayCount(existing?.d, day, counts);
      if (count >= limit.times) return;
      const rs = w.rule(r);
      rs.d = setDayCount(rs.d, day, count + 1, counts);
    }
  }
  const rs = w.rule(r);
  rs.n++;
  switch (r.mode) {
    case Mode.Forever:
      break;
    case Mode.HalfLife:
      addHalfLife(rs, r.points, ev.ts, r.halfLifeMs);
      break;
    default:
      if (ev.ts > expiryCutoff(now, r.expireMs)) addExpiring(rs, ev.ts, r.mode === Mode.ExpireHalfLife ? r.halfLifeMs : 0);
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

/**
 * Drops what has expired by `now` from the lists where computing the figures found some (it can
 * never count again: time only moves forward). The figures do not change: they skip expired
 * hits exactly (see decay.ts), so pruning costs no extra pass over the rules.
 */
function prune(c: Compiled, w: Writer, stale: readonly number[], now: number): void {
  for (const i of stale) {
    const r = c.rules[i] as CRule;
    pruneExpiring(w.rule(r), expiryCutoff(now, r.expireMs), r.mode === Mode.ExpireHalfLife ? r.halfLifeMs : 0);
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
      return expiringValue(rs, r.points, now, r.expireMs);
    default:
      return expiringHalfLifeValue(rs, r.points, now, r.expireMs, r.halfLifeMs);
  }
}

/**
 * Figures of rule i into the arrays (all zero on entry for that rule); rules whose hit list holds
 * expired hits are added to `stale`.
 */
function ruleFigures(r: CRule, state: LeadState, traits: Traits, now: number, f: Figures, stale: number[] | null): void {
  const i = r.idx;
  if (r.trait) {
    if (r.trait(traits)) {
      f.values[i] = r.points;
      f.hits[i] = 1;
      f.met[i] = 1;
    }
  } else {
    const rs = state.r[r.id];
    if (rs && rs.n > 0) {
      f.hits[i] = rs.n;
      f.met[i] = 1;
      f.values[i] = ruleValue(r, rs, now);
      if (stale !== null && r.mode >= Mode.Expire && skippedExpired()) stale.push(i);
    }
  }
}

/** Everything at `now`, computed into the buffers `f`. */
function core(c: Compiled, model: Model, state: LeadState, traits: Traits, now: number, f: Figures, stale: number[] | null = null): Core {
  f.values.fill(0);
  f.hits.fill(0);
  f.met.fill(0);
  for (const r of c.rules) ruleFigures(r, state, traits, now, f, stale);
  return summarize(c, model, f);
}

/**
 * The figures of `state` given those of a state that differs only in the `touched` rules, at the
 * same `now` and traits: the other rules' figures are the same numbers, so the result is the
 * same as `core(state)` bit for bit (sums are taken in the same order).
 */
function coreAfter(c: Compiled, model: Model, before: Core, touched: readonly number[], state: LeadState, traits: Traits, now: number, f: Figures): Core {
  f.values.set(before.values);
  f.hits.set(before.hits);
  f.met.set(before.met);
  for (const i of touched) {
    f.values[i] = f.hits[i] = f.met[i] = 0;
    ruleFigures(c.rules[i] as CRule, state, traits, now, f, null);
  }
  return summarize(c, model, f);
}

function summarize(c: Compiled, model: Model, f: Figures): Core {
  const { values, hits, met, sums, catValues } = f;
  sums.fill(0);
  let gates = 0;
  const disqualifiedBy: string[] = [];
  for (const r of c.rules) {
    if (r.cat >= 0) sums[r.cat] = (sums[r.cat] as number) + (values[r.idx] as number);
    if (met[r.idx] === 1) {
      if (r.must) gates++;
      if (r.disqualify) disqualifiedBy.push(r.id);
    }
  }
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
  // The score is a whole number (issue 15): the figure every view shows (list,
  // detail, preview, alerts) is the one tiers, triggers, readiness and the code
  // are decided on, so "hot at 40" never sits next to a 39.99. Fit and interest
  // keep two decimals (they explain; the score decides).
  let score = Math.round(fit + interest);
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
  for (let i = 0; i < c.categories.length; i++) {
    const cat = c.categories[i] as Compiled["categories"][number];
    categories[cat.id] = { kind: cat.kind, value: round2(k.catValues[i] as number), max: cat.max };
  }
  // Copying a template that already has every key keeps V8 from building a 50-key object one
  // insertion at a time (dictionary mode), the largest single cost of a result.
  const rules: ScoreResult["rules"] = { ...c.rulesTemplate };
  const mustHaves: ScoreResult["mustHaves"] = [];
  for (let i = 0; i < c.rules.length; i++) {
    const r = c.rules[i] as CRule;
    const v = k.values[i] as number;
    rules[r.id] = { hits: k.hits[i] as number, points: v === 0 ? 0 : round2(v) };
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
   * (parsed from storage for this request): saves copying the touched rule states and the
   * state's maps. The input must not be used afterwards.
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
  // The conditions before the events only matter to re-arm a disarmed trigger (an armed one
  // stays armed either way): skip that evaluation when every trigger is armed.
  let disarmed = false;
  for (const t of c.triggers) if (state.t[t.id]?.[0] === 0) disarmed = true;
  const stale: number[] = [];
  const kb = disarmed ? core(c, model, state, traits, now, c.scratch.before, stale) : null;
  const before = kb ? triggerConditions(c, kb, traits, state) : null;
  const w = new Writer(c, state, opts?.reuseState === true);
  ingest(c, w, events, now);
  let k: Core;
  if (kb) {
    prune(c, w, stale, now);
    k = coreAfter(c, model, kb, w.touched, w.state, traits, now, c.scratch.after);
  } else {
    k = core(c, model, w.state, traits, now, c.scratch.after, stale);
    prune(c, w, stale, now);
  }
  const next = w.state;
  const fired: TriggerFiring[] = [];
  if (c.triggers.length) {
    const after = triggerConditions(c, k, traits, next);
    let ownT = false;
    c.triggers.forEach((t, i) => {
      const cur: TriggerState = next.t[t.id] ?? [1, 0];
      let armed = before?.[i] ? cur[0] : 1;
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
  return buildResult(c, model, core(c, model, state, traits, now, c.scratch.after), traits, state);
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
  const w = new Writer(c, emptyState(), true);
  ingest(c, w, events, now);
  const state = w.state;
  const k = core(c, model, state, traits, now, c.scratch.after);
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
