// Shapes of the admin API answers the dashboard renders (see worker/leads, worker/models,
// worker/alerts). Read defensively: a field a page does not find renders as "—".
import type { RuleBreakdown } from "../leads/detail";
import type { LeadListItem as ListedLead } from "../leads/list";
import type { ModelInfo } from "../models/models";

export type { RuleBreakdown };

/**
 * How a lead's email is known: "verified" (server-side or signed identify),
 * "claimed" (a browser said so, unverified), null (anonymous). Optional while the
 * API that adds it is rolling out: a missing field renders as no marker.
 */
export type LeadIdentity = "claimed" | "verified" | null;

export type LeadListItem = ListedLead & {
  identity?: LeadIdentity | undefined;
  /** The email a browser claimed for this lead, not verified. */
  claimedEmail?: string | null | undefined;
};

export interface LeadList {
  leads: LeadListItem[];
  cursor: string | null;
}

export interface ModelList {
  models: ModelInfo[];
}

export type ModelDetail = ModelInfo & { document: unknown; versions: { version: number; createdAt: number }[] };

export interface ModelScore {
  model: string;
  version: number;
  primary: boolean;
  upToDate: boolean;
  scoredAt: number | null;
  score: number;
  fit: number;
  interest: number;
  tier: string;
  code: number;
  readiness: number;
  qualified: boolean;
  gates: number;
  categories: Record<string, { kind: "fit" | "interest"; value: number; max: number }>;
  rules: RuleBreakdown[];
  mustHaves: { id: string; met: boolean }[];
  disqualified: boolean;
  disqualifiedBy: string[];
  promos: string[];
}

export interface LeadDetail {
  lead: {
    id: string;
    email: string | null;
    name: string | null;
    phone: string | null;
    country: string | null;
    traits: Record<string, unknown>;
    firstSeen: number;
    lastSeen: number;
    eventCount: number;
    converted: boolean;
    convertedAt: number | null;
    identity?: LeadIdentity | undefined;
    claimedEmail?: string | null | undefined;
    /** The lead that holds the claimed email, if any (a merge target). */
    claimHolder?: { id: string; email: string | null; name: string | null } | null | undefined;
  };
  scores: ModelScore[];
  timeline: { id: string; type: string; name: string | null; ts: number; url: string | null; title: string | null; ref: string | null; session_id: string | null; props: unknown }[];
  sessions: {
    id: string;
    started_at: number;
    last_seen: number;
    referrer: string | null;
    landing: string | null;
    utm_source: string | null;
    utm_medium: string | null;
    utm_campaign: string | null;
    country: string | null;
    events: number;
  }[];
  alerts: { id: string; model: string; trigger_id: string; crossing: number; status: string; attempts: number; last_error: string | null; created_at: number; delivered_at: number | null }[];
  conversions: { value: number | null; ts: number }[];
}

export interface KeysInfo {
  publicKey: string;
  identitySecret: string | null;
  webhookSecretRotatedUntil: number | null;
}

export interface MergeResult {
  lead: string;
}

export interface AlertItem {
  id: string;
  trigger: string;
  model: string;
  lead: { id: string; email: string | null; name: string | null } | null;
  webhook: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
  deliveredAt: number | null;
}
