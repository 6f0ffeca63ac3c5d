/** The event shape the engine scores (a subset of what /v1/collect stores). */

export const EVENT_TYPES = [
  "session_start",
  "page_view",
  "chat",
  "trial_signup",
  "identify",
  "product_view",
  "cart",
  "purchase",
  "form_submit",
  "custom",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface ScoreEvent {
  id: string;
  type: EventType;
  name?: string | null;
  /** Event time, ms since the epoch (UTC). */
  ts: number;
  url?: string | null;
  /** URL path; when absent it is taken from `url`. */
  path?: string | null;
  sessionId?: string | null;
  props?: Record<string, unknown> | null;
}

export type Traits = Record<string, unknown>;
