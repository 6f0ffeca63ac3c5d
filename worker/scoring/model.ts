/**
 * The scoring model document (SPEC §4): schema, normalised types and defaults.
 *
 * Defaults (what an omitted key means), chosen so `{"rules":[{"id":"pricing","points":10,
 * "when":{"event":"page_view","path":"/pricing"}}]}` is a complete model:
 * - `readiness`: 100 (score 100 = 100 % sales-ready).
 * - `tiers`: `{ "warm": 15, "hot": 30 }`. Below the first threshold a lead is "cold".
 * - `categories` (only when the key is omitted): `fit` `{kind: "fit", max: 50}` and
 *   `interest` `{kind: "interest", max: 50}`, no decay (the 50/50 split of DOMAIN.md step 6).
 * - rule `category`: a rule with points and no category goes to `interest` when it is an event
 *   rule and to `fit` when it is a trait rule, provided the model has a category of that name.
 * - rule `points`: required for plain rules; 0 for `must` / `disqualify` rules (which may still
 *   name a category and points to score as well).
 * - rule `limit`: none (every match counts). `must`, `disqualify`: false.
 * - `leadType`: none (thousands digit 0). `triggers`, `promos`: none. `webhook`: null
 *   (the site's default alert destination). `exposeScore`: false.
 *
 * The normalised `Model` is itself a valid document: parseModel(parseModel(x).model) gives the
 * same model, so it can be stored as JSON and parsed again.
 *
 * Bounds: ≤ 500 rules, ≤ 100 triggers, ≤ 100 promos, ≤ 50 categories, ≤ 10 tiers, ≤ 9 must
 * rules (each is one hundreds digit of `code`); ids ≤ 64 chars of `[A-Za-z0-9_.-]`.
 */
import * as z from "zod/mini";
import { checkWebhookUrl } from "../net/webhook-url";
import { type ChannelSpec, type Digest, checkDigest, checkTriggerChannel, digestSchema, normaliseChannel, triggerChannelFields } from "./channels";
import { type Condition, type ConditionKind, parseCondition } from "./condition";
import { type ModelIssue, sortIssues, zodIssues } from "./issues";

export type { ModelIssue } from "./issues";
export type { Condition } from "./condition";

export type CategoryKind = "fit" | "interest";

export interface Decay {
  /** Event-rule hits lose half their points every this many days. */
  halfLifeDays?: number;
  /** Event-rule hits count for this many days, then 0. */
  expireDays?: number;
}

export interface Category {
  kind: CategoryKind;
  max: number;
  decay?: Decay;
}

export interface RuleLimit {
  times: number;
  per: "lead" | "session" | "day";
}

export interface Rule {
  id: string;
  /** Resolved (defaults applied); absent for must/disqualify rules that do not score. */
  category?: string;
  points: number;
  must: boolean;
  disqualify: boolean;
  when: Condition;
  limit?: RuleLimit;
}

/** `webhook` for the signed webhook (the default); the other channels' fields beside it (./channels). */
export type Trigger = {
  id: string;
  when: Condition;
  webhook: string | null;
} & Partial<ChannelSpec>;

export type { ChannelSpec, Digest } from "./channels";

export interface Promo {
  id: string;
  when: Condition;
  codes: string[];
  message?: string;
  /** Codes one connecting client may take from this promo per day, whatever visitor ids it uses. */
  perClientPerDay: number;
  /** Evidence a browser lead must show (in one of its sessions) before it gets a code. */
  requires: PromoEvidence | null;
}

export interface PromoEvidence {
  /** Seconds between the session's first and last event. */
  minSessionSeconds: number;
  /** Distinct page paths viewed in the session. */
  minPages: number;
}

/** Codes per client, promo and day unless the promo says otherwise: a household or office shares an address. */
export const DEFAULT_PROMO_PER_CLIENT_PER_DAY = 3;

export interface LeadType {
  trait: string;
  codes: Record<string, number>;
}

export interface Model {
  readiness: number;
  /** Ascending thresholds in key order. */
  tiers: Record<string, number>;
  categories: Record<string, Category>;
  rules: Rule[];
  leadType?: LeadType;
  triggers: Trigger[];
  promos: Promo[];
  exposeScore: boolean;
  /** The daily digest email (issue 14), when the model asks for one. */
  digest?: Digest;
}

export const MAX_RULES = 500;
export const MAX_MUST_RULES = 9;

export const modelDefaults = {
  readiness: 100,
  tiers: { warm: 15, hot: 30 } as Record<string, number>,
  categories: {
    fit: { kind: "fit", max: 50 },
    interest: { kind: "interest", max: 50 },
  } as Record<string, Category>,
  eventRuleCategory: "interest",
  traitRuleCategory: "fit",
} as const;

const ID_MESSAGE = "must be 1-64 characters of A-Z a-z 0-9 _ . -";
const id = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, ID_MESSAGE));
const positive = z.number().check(z.positive(), z.lte(1_000_000));
const days = z.number().check(z.positive(), z.lte(36_500));

const categorySchema = z.strictObject({
  kind: z.enum(["fit", "interest"]),
  max: positive,
  decay: z.optional(z.strictObject({ halfLifeDays: z.optional(days), expireDays: z.optional(days) })),
});

const ruleSchema = z.strictObject({
  id,
  category: z.optional(id),
  points: z.optional(z.number().check(z.gte(-1_000_000), z.lte(1_000_000))),
  must: z.optional(z.boolean()),
  disqualify: z.optional(z.boolean()),
  when: z.unknown(),
  limit: z.optional(
    z.strictObject({ times: z.int().check(z.gte(1), z.lte(1_000_000)), per: z.enum(["lead", "session", "day"]) }),
  ),
});

const triggerSchema = z.strictObject({
  id,
  when: z.unknown(),
  webhook: z.optional(z.nullable(z.string())),
  ...triggerChannelFields,
});

const promoSchema = z.strictObject({
  id,
  when: z.unknown(),
  codes: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(10_000)),
  message: z.optional(z.string().check(z.maxLength(500))),
  perClientPerDay: z.optional(z.int().check(z.gte(1), z.lte(1000))),
  requires: z.optional(
    z.nullable(
      z.strictObject({
        minSessionSeconds: z.optional(z.int().check(z.gte(0), z.lte(86_400))),
        minPages: z.optional(z.int().check(z.gte(1), z.lte(20))),
      }),
    ),
  ),
});

const documentSchema = z.strictObject({
  readiness: z.optional(positive),
  tiers: z.optional(z.record(id, z.number().check(z.gte(0), z.lte(1_000_000)))),
  categories: z.optional(z.record(id, categorySchema)),
  rules: z.optional(z.array(ruleSchema).check(z.maxLength(MAX_RULES))),
  leadType: z.optional(
    z.strictObject({
      trait: z.string().check(z.minLength(1), z.maxLength(64)),
      codes: z.record(z.string().check(z.minLength(1), z.maxLength(64)), z.int().check(z.gte(0), z.lte(9))),
    }),
  ),
  triggers: z.optional(z.array(triggerSchema).check(z.maxLength(100))),
  promos: z.optional(z.array(promoSchema).check(z.maxLength(100))),
  exposeScore: z.optional(z.boolean()),
  digest: z.optional(digestSchema),
});

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface ParseModelOptions {
  /** Dev only: allow http webhooks to localhost / 127.0.0.1 / [::1]. */
  allowHttpLocalhost?: boolean;
}

/**
 * Validates a model document and applies defaults. Reports every problem at once: the structural
 * checks (zod) and the cross-field checks (ids, categories, tiers, conditions, webhooks) all run
 * on the raw input even when other parts are broken.
 */
export function parseModel(
  input: unknown,
  opts: ParseModelOptions = {},
): { ok: true; model: Model } | { ok: false; issues: ModelIssue[] } {
  if (!isObj(input)) return { ok: false, issues: [{ path: "", message: "expected a model object" }] };
  const issues: ModelIssue[] = [];
  const parsed = documentSchema.safeParse(input);
  if (!parsed.success) issues.push(...zodIssues(parsed.error.issues, input, []));

  // Tiers: ascending, reserved names, not numeric (JS objects reorder integer-like keys).
  const rawTiers = isObj(input.tiers) ? input.tiers : input.tiers === undefined ? modelDefaults.tiers : {};
  const tierNames = Object.keys(rawTiers);
  if (tierNames.length > 10) issues.push({ path: "tiers", message: "at most 10 tiers" });
  let prev: { name: string; value: number } | null = null;
  for (const name of tierNames) {
    const value = rawTiers[name];
    if (name === "cold" || name === "disqualified") {
      issues.push({ path: `tiers.${name}`, message: `"${name}" is reserved (below the first tier is cold)` });
    } else if (/^\d+$/.test(name)) {
      issues.push({ path: `tiers.${name}`, message: "a tier name must not be a number" });
    }
    if (typeof value !== "number") continue;
    if (prev && value <= prev.value) {
      issues.push({ path: `tiers.${name}`, message: `tiers must ascend: ${name} (${value}) must be above ${prev.name} (${prev.value})` });
    }
    prev = { name, value };
  }

  const categories = input.categories === undefined ? modelDefaults.categories : isObj(input.categories) ? input.categories : {};
  const categoryIds = new Set(Object.keys(categories));

  // Rules.
  const rules: { when: Condition; kind: ConditionKind; category?: string }[] = [];
  const seenRule = new Set<string>();
  let mustCount = 0;
  arr(input.rules).forEach((r, i) => {
    if (!isObj(r)) return;
    const p = `rules.${i}`;
    if (typeof r.id === "string") {
      if (seenRule.has(r.id)) issues.push({ path: `${p}.id`, message: `duplicate rule id "${r.id}"` });
      seenRule.add(r.id);
    }
    const must = r.must === true;
    const disq = r.disqualify === true;
    if (must) mustCount++;
    if (must && disq) issues.push({ path: p, message: "a rule cannot be both must and disqualify" });
    const cond = parseCondition(r.when, [p, "when"], { use: "rule", tiers: tierNames }, issues);
    if (cond?.kind === "mixed") {
      issues.push({ path: `${p}.when`, message: "a rule's condition must be about events or about traits, not both" });
    }
    const hasPoints = r.points !== undefined;
    let category = typeof r.category === "string" ? r.category : undefined;
    if (category !== undefined && !categoryIds.has(category)) {
      issues.push({ path: `${p}.category`, message: `unknown category "${category}" (categories: ${[...categoryIds].join(", ") || "none"})` });
    }
    if (!must && !disq && !hasPoints) {
      issues.push(
        category === undefined
          ? { path: p, message: "a rule needs a category and points, or must/disqualify" }
          : { path: `${p}.points`, message: "required" },
      );
    }
    // must/disqualify rules score only with non-zero points (their normalised form says points: 0).
    const scores = hasPoints && (!(must || disq) || r.points !== 0);
    if (scores && category === undefined && r.category === undefined) {
      const fallback = cond?.kind === "trait" ? modelDefaults.traitRuleCategory : modelDefaults.eventRuleCategory;
      if (categoryIds.has(fallback)) category = fallback;
      else if (cond) issues.push({ path: `${p}.category`, message: `a rule with points needs a category (no "${fallback}" category to default to)` });
    }
    if (r.limit !== undefined && cond?.kind === "trait") {
      issues.push({ path: `${p}.limit`, message: "limit only applies to event rules" });
    }
    if (cond) rules.push({ when: cond.when, kind: cond.kind, category });
  });
  if (mustCount > MAX_MUST_RULES) {
    issues.push({ path: "rules", message: `at most ${MAX_MUST_RULES} must rules (each is one digit of the lead code)` });
  }

  // Triggers and promos.
  const leadCtx = { use: "lead" as const, tiers: tierNames };
  const triggerWhen: Condition[] = [];
  const seenTrigger = new Set<string>();
  arr(input.triggers).forEach((t, i) => {
    if (!isObj(t)) return;
    const p = `triggers.${i}`;
    if (typeof t.id === "string") {
      if (seenTrigger.has(t.id)) issues.push({ path: `${p}.id`, message: `duplicate trigger id "${t.id}"` });
      seenTrigger.add(t.id);
    }
    if (typeof t.webhook === "string") {
      const bad = checkWebhookUrl(t.webhook, { allowHttpLocalhost: opts.allowHttpLocalhost === true });
      if (bad) issues.push({ path: `${p}.webhook`, message: bad });
    }
    checkTriggerChannel(t, p, opts.allowHttpLocalhost === true, issues);
    const cond = parseCondition(t.when, [p, "when"], leadCtx, issues);
    if (cond) triggerWhen.push(cond.when);
  });
  const promoWhen: Condition[] = [];
  const seenPromo = new Set<string>();
  const seenCode = new Map<string, string>();
  arr(input.promos).forEach((pr, i) => {
    if (!isObj(pr)) return;
    const p = `promos.${i}`;
    if (typeof pr.id === "string") {
      if (seenPromo.has(pr.id)) issues.push({ path: `${p}.id`, message: `duplicate promo id "${pr.id}"` });
      seenPromo.add(pr.id);
    }
    arr(pr.codes).forEach((c, j) => {
      if (typeof c !== "string") return;
      const owner = seenCode.get(c);
      // A code is given to one lead only (SPEC §6), so it may appear in one list once.
      if (owner !== undefined) issues.push({ path: `${p}.codes.${j}`, message: `duplicate promo code "${c}" (also in ${owner})` });
      else seenCode.set(c, p);
    });
    const cond = parseCondition(pr.when, [p, "when"], leadCtx, issues);
    if (cond) promoWhen.push(cond.when);
  });

  checkDigest(input.digest, issues);
  if (issues.length || !parsed.success) return { ok: false, issues: sortIssues(issues) };

  const d = parsed.data;
  const cats: Record<string, Category> = {};
  for (const [cid, c] of Object.entries(d.categories ?? modelDefaults.categories)) {
    const cat: Category = { kind: c.kind, max: c.max };
    if (c.decay && (c.decay.halfLifeDays !== undefined || c.decay.expireDays !== undefined)) {
      cat.decay = {};
      if (c.decay.halfLifeDays !== undefined) cat.decay.halfLifeDays = c.decay.halfLifeDays;
      if (c.decay.expireDays !== undefined) cat.decay.expireDays = c.decay.expireDays;
    }
    cats[cid] = cat;
  }
  const model: Model = {
    readiness: d.readiness ?? modelDefaults.readiness,
    tiers: { ...(d.tiers ?? modelDefaults.tiers) },
    categories: cats,
    rules: (d.rules ?? []).map((r, i) => {
      const extra = rules[i] as (typeof rules)[number];
      const rule: Rule = {
        id: r.id,
        points: r.points ?? 0,
        must: r.must === true,
        disqualify: r.disqualify === true,
        when: extra.when,
      };
      if (extra.category !== undefined) rule.category = extra.category;
      if (r.limit) rule.limit = { times: r.limit.times, per: r.limit.per };
      return rule;
    }),
    triggers: (d.triggers ?? []).map((t, i) => ({ id: t.id, when: triggerWhen[i] as Condition, webhook: t.webhook ?? null, ...normaliseChannel(t) })),
    promos: (d.promos ?? []).map((p, i) => {
      const promo: Promo = {
        id: p.id,
        when: promoWhen[i] as Condition,
        codes: [...p.codes],
        perClientPerDay: p.perClientPerDay ?? DEFAULT_PROMO_PER_CLIENT_PER_DAY,
        requires: p.requires ? { minSessionSeconds: p.requires.minSessionSeconds ?? 0, minPages: p.requires.minPages ?? 1 } : null,
      };
      if (p.message !== undefined) promo.message = p.message;
      return promo;
    }),
    exposeScore: d.exposeScore === true,
  };
  if (d.digest) model.digest = { to: [...d.digest.to], hour: d.digest.hour, timezone: d.digest.timezone };
  if (d.leadType) model.leadType = { trait: d.leadType.trait, codes: { ...d.leadType.codes } };
  return { ok: true, model };
}
