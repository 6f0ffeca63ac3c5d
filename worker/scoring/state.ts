/**
 * Per-lead scoring state, stored in D1 as JSON and parsed/serialised on every request, so it is
 * kept small: short keys, and lists (hit times, limit counters) as compact strings (codec.ts)
 * rather than arrays and maps of numbers. Rules and triggers are keyed by id, so the state of
 * rules that survive a model edit stays meaningful (a model PUT still recomputes from events).
 *
 * Version 2 (this shape). Version 1 (hit times as number arrays, limit counters as maps) is not
 * read: `toLeadState` turns it into an empty state, which the next model PUT or recompute
 * rebuilds from the stored events.
 */
import type { HitList } from "./decay";

export interface RuleState extends HitList {
  /** Counted hits (within the rule's limit), ever. */
  n: number;
  /**
   * Half-life (no expiry): accumulator `a` and its reference time `r` (ms), see decay.ts.
   * Half-life with expiry: `a` = fixed-point sum of the hits in `t` (decay.ts).
   */
  r?: number | undefined;
  /**
   * `limit.per = "session"`: the sessions whose count reached `limit.times`, as
   * " id id id" (codec.ts setToken: "%", " " and ":" escaped, "" written "%").
   */
  s?: string | undefined;
  /** `limit.per = "session"`, times > 1: counts of the sessions still below the limit, " id:n id:n". */
  sq?: string | undefined;
  /**
   * `limit.per = "day"`: the UTC day numbers (ts / 86 400 000) with counted hits, newest first
   * (codec.ts list), each followed by its count when `limit.times` > 1.
   */
  d?: string | undefined;
}

/** [armed (1) or waiting for the condition to turn false (0), crossings so far]. */
export type TriggerState = [armed: 0 | 1, crossings: number];

export interface LeadState {
  v: 2;
  /** Event rules with at least one counted hit. */
  r: Record<string, RuleState>;
  /** Event matchers of trigger/promo conditions that an event has matched ("t:<id>:<n>", "p:<id>:<n>"). */
  e: Record<string, 1>;
  /** Triggers that ever changed from the initial state (armed, 0 crossings). */
  t: Record<string, TriggerState>;
}

export function emptyState(): LeadState {
  return { v: 2, r: {}, e: {}, t: {} };
}

/** Accepts a parsed JSON value from storage; anything unrecognisable (or v1) becomes an empty state. */
export function toLeadState(value: unknown): LeadState {
  if (value === null || typeof value !== "object") return emptyState();
  const s = value as Partial<LeadState>;
  if (s.v !== 2 || typeof s.r !== "object" || s.r === null) return emptyState();
  return {
    v: 2,
    r: s.r,
    e: typeof s.e === "object" && s.e !== null ? s.e : {},
    t: typeof s.t === "object" && s.t !== null ? s.t : {},
  };
}

export function triggerState(state: LeadState, id: string): TriggerState {
  return state.t[id] ?? [1, 0];
}
