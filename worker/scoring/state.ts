/**
 * Per-lead scoring state, stored in D1 as JSON. Keys are short because there is one per lead
 * per model. Rules and triggers are keyed by id, so the state of rules that survive a model edit
 * stays meaningful (a model PUT still recomputes from events).
 */

export interface RuleState {
  /** Counted hits (within the rule's limit), ever. */
  n: number;
  /** Half-life accumulator and its reference time (ms), see decay.ts. */
  a?: number;
  r?: number;
  /** Live hit times (ms, ascending) for categories with `expireDays`. */
  t?: number[];
  /** Counted hits per session id ("" = no session) for `limit.per = "session"`. */
  s?: Record<string, number>;
  /** Counted hits per UTC day number (ts / 86 400 000) for `limit.per = "day"`. */
  d?: Record<string, number>;
}

/** [armed (1) or waiting for the condition to turn false (0), crossings so far]. */
export type TriggerState = [armed: 0 | 1, crossings: number];

export interface LeadState {
  v: 1;
  /** Event rules with at least one counted hit. */
  r: Record<string, RuleState>;
  /** Event matchers of trigger/promo conditions that an event has matched ("t:<id>:<n>", "p:<id>:<n>"). */
  e: Record<string, 1>;
  /** Triggers that ever changed from the initial state (armed, 0 crossings). */
  t: Record<string, TriggerState>;
}

export function emptyState(): LeadState {
  return { v: 1, r: {}, e: {}, t: {} };
}

/** Accepts a parsed JSON value from storage; anything unrecognisable becomes an empty state. */
export function toLeadState(value: unknown): LeadState {
  if (value === null || typeof value !== "object") return emptyState();
  const s = value as Partial<LeadState>;
  if (s.v !== 1 || typeof s.r !== "object" || s.r === null) return emptyState();
  return {
    v: 1,
    r: s.r,
    e: typeof s.e === "object" && s.e !== null ? s.e : {},
    t: typeof s.t === "object" && s.t !== null ? s.t : {},
  };
}

export function triggerState(state: LeadState, id: string): TriggerState {
  return state.t[id] ?? [1, 0];
}
