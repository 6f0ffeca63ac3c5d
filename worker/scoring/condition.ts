/**
 * Conditions (`when`): their types and their validation. One object holds one kind of matcher:
 * an event matcher, a trait matcher (one operator), a tier/score/readiness matcher, or `all`/`any`.
 * Validation reports every problem with its path; matching lives in matchers.ts.
 */
import * as z from "zod/mini";
import { EVENT_TYPES, type EventType } from "./events";
import { checkGlob } from "./glob";
import { type ModelIssue, type PathPart, joinPath, zodIssues } from "./issues";

export type Primitive = string | number | boolean;

export interface EventMatcher {
  event?: EventType;
  name?: string;
  /** Glob on the URL path, see glob.ts. */
  path?: string;
  /** Case-insensitive substring of the full URL. */
  url?: string;
  /** Subset match: every listed prop must equal (===) the event's prop. */
  props?: Record<string, Primitive | null>;
  /** props.duration (seconds, number or numeric string) must be at least this. */
  minDurationSec?: number;
}

export const TRAIT_OPS = ["eq", "neq", "in", "gte", "lte", "contains", "exists"] as const;
export type TraitOp = (typeof TRAIT_OPS)[number];

export interface TraitMatcher {
  trait: string;
  eq?: Primitive;
  neq?: Primitive;
  in?: Primitive[];
  gte?: number;
  lte?: number;
  contains?: Primitive;
  exists?: boolean;
}

/** "At least this tier"; `cold` always holds (unless disqualified), `disqualified` never. */
export interface TierMatcher { tier: string }
/** Score (2 decimals) at least this. */
export interface ScoreMatcher { score: number }
/** Readiness percentage at least this. */
export interface ReadinessMatcher { readiness: number }
export interface AllOf { all: Condition[] }
export interface AnyOf { any: Condition[] }

export type Condition = EventMatcher | TraitMatcher | TierMatcher | ScoreMatcher | ReadinessMatcher | AllOf | AnyOf;

/** What a (sub)condition is about; a rule must be purely "event" or purely "trait". */
export type ConditionKind = "event" | "trait" | "lead" | "mixed";

const EVENT_KEYS = ["event", "name", "path", "url", "props", "minDurationSec"] as const;
const LEAD_KEYS = ["tier", "score", "readiness"] as const;
const MAX_DEPTH = 8;

const primitive = z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean()]);

const nodeSchema = z.strictObject({
  event: z.optional(z.enum(EVENT_TYPES)),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  path: z.optional(z.string()),
  url: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
  props: z.optional(z.record(z.string().check(z.maxLength(64)), z.nullable(primitive))),
  minDurationSec: z.optional(z.number().check(z.gte(0))),
  trait: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  eq: z.optional(primitive),
  neq: z.optional(primitive),
  in: z.optional(z.array(primitive).check(z.minLength(1), z.maxLength(1000))),
  gte: z.optional(z.number()),
  lte: z.optional(z.number()),
  contains: z.optional(primitive),
  exists: z.optional(z.boolean()),
  tier: z.optional(z.string()),
  score: z.optional(z.number()),
  readiness: z.optional(z.number()),
  all: z.optional(z.array(z.unknown()).check(z.minLength(1), z.maxLength(50))),
  any: z.optional(z.array(z.unknown()).check(z.minLength(1), z.maxLength(50))),
});

export interface ConditionContext {
  /** "rule": event or trait matchers only; "lead": triggers and promos, anything goes. */
  use: "rule" | "lead";
  /** Tier names of the model (for tier matchers). */
  tiers: readonly string[];
}

/**
 * Validates one condition tree. Pushes problems to `issues`; returns the normalised condition
 * and its kind, or null when something was wrong.
 */
export function parseCondition(
  raw: unknown,
  path: readonly PathPart[],
  ctx: ConditionContext,
  issues: ModelIssue[],
  depth = 0,
): { when: Condition; kind: ConditionKind } | null {
  const at = (...more: PathPart[]) => joinPath([...path, ...more]);
  if (raw === undefined) {
    issues.push({ path: at(), message: "required" });
    return null;
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    issues.push({ path: at(), message: "expected a condition object" });
    return null;
  }
  if (depth >= MAX_DEPTH) {
    issues.push({ path: at(), message: `conditions nest deeper than ${MAX_DEPTH} levels` });
    return null;
  }
  const before = issues.length;
  const obj = raw as Record<string, unknown>;
  const isTrait = "trait" in obj || TRAIT_OPS.some((k) => k in obj);
  const parsed = nodeSchema.safeParse(raw);
  if (!parsed.success) {
    issues.push(
      ...zodIssues(parsed.error.issues, raw, path, (_p, k) =>
        isTrait
          ? `unknown trait operator "${k}" (use one of ${TRAIT_OPS.join(", ")})`
          : `unknown key "${k}"`,
      ),
    );
  }
  const has = (k: string) => obj[k] !== undefined;
  const groups: string[] = [];
  const eventKeys = EVENT_KEYS.filter(has);
  const traitOps = TRAIT_OPS.filter(has);
  const leadKeys = LEAD_KEYS.filter(has);
  const combs = (["all", "any"] as const).filter(has);
  if (eventKeys.length) groups.push("event");
  if (traitOps.length || has("trait")) groups.push("trait");
  if (leadKeys.length) groups.push("tier/score");

  if (typeof obj.path === "string") {
    const bad = checkGlob(obj.path);
    if (bad) issues.push({ path: at("path"), message: bad });
  }

  let kind: ConditionKind = "event";
  let children: Condition[] | null = null;
  if (combs.length) {
    if (combs.length > 1) issues.push({ path: at(), message: "use either all or any in one object; nest them to combine" });
    else if (groups.length) issues.push({ path: at(), message: `${combs[0]} cannot be combined with other keys in the same object; put them inside it` });
    const key = combs[0] as "all" | "any";
    const list = obj[key];
    if (Array.isArray(list) && list.length <= 50) {
      children = [];
      const kinds = new Set<ConditionKind>();
      list.forEach((child, i) => {
        const r = parseCondition(child, [...path, key, i], ctx, issues, depth + 1);
        if (r) {
          children?.push(r.when);
          kinds.add(r.kind);
        }
      });
      kind = kinds.size === 1 ? ([...kinds][0] as ConditionKind) : "mixed";
    }
  } else if (groups.length === 0) {
    if (Object.keys(obj).length === 0 || parsed.success) issues.push({ path: at(), message: "empty condition" });
  } else if (groups.length > 1) {
    issues.push({ path: at(), message: `mixes ${groups.join(" and ")} matchers in one object; combine them with all/any` });
  } else if (groups[0] === "trait") {
    kind = "trait";
    if (!has("trait")) issues.push({ path: at("trait"), message: `required with operator ${traitOps[0]}` });
    else if (traitOps.length === 0 && !Object.keys(obj).some((k) => k !== "trait"))
      issues.push({ path: at(), message: `a trait matcher needs one operator: ${TRAIT_OPS.join(", ")}` });
    else if (traitOps.length > 1)
      issues.push({ path: at(), message: `one operator per trait matcher (found ${traitOps.join(", ")}); combine them with all` });
  } else if (groups[0] === "tier/score") {
    kind = "lead";
    if (leadKeys.length > 1) issues.push({ path: at(), message: `one of ${LEAD_KEYS.join(", ")} per object; combine them with all` });
    if (ctx.use === "rule") {
      issues.push({ path: at(leadKeys[0] as string), message: "tier, score and readiness matchers are only allowed in triggers and promos" });
    }
    if (typeof obj.tier === "string" && !["cold", "disqualified", ...ctx.tiers].includes(obj.tier)) {
      issues.push({ path: at("tier"), message: `unknown tier "${obj.tier}" (tiers: ${[...new Set(["cold", ...ctx.tiers])].join(", ")})` });
    }
  }
  if (issues.length > before || !parsed.success) return null;

  const d = parsed.data;
  let when: Condition;
  if (children) when = combs[0] === "all" ? { all: children } : { any: children };
  else {
    // Drop absent keys so the normalised document stays small and round-trips.
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d)) if (v !== undefined && k !== "all" && k !== "any") clean[k] = v;
    when = clean as unknown as Condition; // shape was checked key by key above
  }
  return { when, kind };
}
