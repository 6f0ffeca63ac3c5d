/**
 * A model prepared for scoring: predicates compiled once, rules indexed by event type so an
 * event only visits rules that can match it. Cached per Model object.
 */
import { DAY_MS } from "./decay";
import { EVENT_TYPES, type EventType } from "./events";
import {
  compileEventCondition,
  compileLeadCondition,
  compileTraitCondition,
  type EventLeaf,
  type EventPred,
  eventTypesOf,
  isTraitCondition,
  type LeadPred,
  type TraitPred,
} from "./matchers";
import type { CategoryKind, Model, RuleLimit } from "./model";

/** How an event rule's hits weigh over time. */
export const Mode = { Forever: 0, HalfLife: 1, Expire: 2, ExpireHalfLife: 3 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

export interface CRule {
  id: string;
  /** Position in `Compiled.rules`. */
  idx: number;
  points: number;
  /** Index into `categories`, -1 when the rule does not score. */
  cat: number;
  must: boolean;
  disqualify: boolean;
  event: EventPred | null;
  trait: TraitPred | null;
  limit: RuleLimit | null;
  mode: Mode;
  halfLifeMs: number;
  expireMs: number;
}

export interface CCategory {
  id: string;
  kind: CategoryKind;
  max: number;
}

export interface Compiled {
  rules: CRule[];
  categories: CCategory[];
  eventRulesByType: Record<EventType, CRule[]>;
  traitRules: CRule[];
  leavesByType: Record<EventType, EventLeaf[]>;
  tiers: { name: string; min: number }[];
  triggers: { id: string; webhook: string | null; when: LeadPred }[];
  promos: { id: string; when: LeadPred }[];
  mustCount: number;
  /** Every rule id, in model order; copied to build a result's breakdown. */
  rulesTemplate: Record<string, { hits: number; points: number }>;
  scratch: Scratch;
}

/** Per-rule figures at one time (see engine.ts). */
export interface Figures {
  values: Float64Array;
  hits: Float64Array;
  met: Uint8Array;
  sums: Float64Array;
  catValues: Float64Array;
}

/**
 * Buffers reused by every call on this model (the engine is synchronous and never re-entered):
 * typed-array allocations would otherwise cost more than the figures themselves.
 */
export interface Scratch {
  /** Incremented per update; a rule is touched (owned) in this update when its mark equals it. */
  gen: number;
  touched: Uint32Array;
  owned: Uint32Array;
  before: Figures;
  after: Figures;
}

function figures(rules: number, categories: number): Figures {
  return {
    values: new Float64Array(rules),
    hits: new Float64Array(rules),
    met: new Uint8Array(rules),
    sums: new Float64Array(categories),
    catValues: new Float64Array(categories),
  };
}

const cache = new WeakMap<Model, Compiled>();

export function compiled(model: Model): Compiled {
  let c = cache.get(model);
  if (!c) {
    c = compile(model);
    cache.set(model, c);
  }
  return c;
}

function byType<T>(): Record<EventType, T[]> {
  const out = {} as Record<EventType, T[]>;
  for (const t of EVENT_TYPES) out[t] = [];
  return out;
}

function compile(model: Model): Compiled {
  const catIds = Object.keys(model.categories);
  const categories: CCategory[] = catIds.map((id) => {
    const c = model.categories[id];
    return { id, kind: c?.kind ?? "interest", max: c?.max ?? 0 };
  });
  const rules: CRule[] = [];
  const eventRulesByType = byType<CRule>();
  const traitRules: CRule[] = [];
  for (const r of model.rules) {
    const trait = isTraitCondition(r.when);
    const cat = r.category === undefined ? -1 : catIds.indexOf(r.category);
    const decay = cat >= 0 ? model.categories[r.category as string]?.decay : undefined;
    const halfLifeMs = (decay?.halfLifeDays ?? 0) * DAY_MS;
    const expireMs = (decay?.expireDays ?? 0) * DAY_MS;
    const mode: Mode =
      halfLifeMs > 0 ? (expireMs > 0 ? Mode.ExpireHalfLife : Mode.HalfLife) : expireMs > 0 ? Mode.Expire : Mode.Forever;
    const cr: CRule = {
      id: r.id,
      idx: rules.length,
      points: r.points,
      cat,
      must: r.must,
      disqualify: r.disqualify,
      event: trait ? null : compileEventCondition(r.when),
      trait: trait ? compileTraitCondition(r.when) : null,
      limit: r.limit ?? null,
      mode,
      halfLifeMs,
      expireMs,
    };
    rules.push(cr);
    if (trait) traitRules.push(cr);
    else {
      const types = eventTypesOf(r.when);
      for (const t of types ?? EVENT_TYPES) eventRulesByType[t].push(cr);
    }
  }

  const tierEntries = Object.entries(model.tiers).map(([name, min]) => ({ name, min }));
  const tierRank = (name: string): number =>
    name === "disqualified" ? -2 : name === "cold" ? -1 : tierEntries.findIndex((t) => t.name === name);
  const leaves: EventLeaf[] = [];
  const triggers = model.triggers.map((t) => ({
    id: t.id,
    webhook: t.webhook,
    when: compileLeadCondition(t.when, `t:${t.id}`, tierRank, leaves),
  }));
  const promos = model.promos.map((p) => ({ id: p.id, when: compileLeadCondition(p.when, `p:${p.id}`, tierRank, leaves) }));
  const leavesByType = byType<EventLeaf>();
  for (const leaf of leaves) for (const t of leaf.types ?? EVENT_TYPES) leavesByType[t].push(leaf);

  return {
    rules,
    categories,
    eventRulesByType,
    traitRules,
    leavesByType,
    tiers: tierEntries,
    triggers,
    promos,
    mustCount: rules.filter((r) => r.must).length,
    rulesTemplate: Object.fromEntries(rules.map((r) => [r.id, { hits: 0, points: 0 }])),
    scratch: {
      gen: 0,
      touched: new Uint32Array(rules.length),
      owned: new Uint32Array(rules.length),
      before: figures(rules.length, categories.length),
      after: figures(rules.length, categories.length),
    },
  };
}
