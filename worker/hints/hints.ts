// Personalization hints for the page (SPEC §3, §6): never personal data, and
// the score only when the model opts in with `exposeScore`.
import type { ModelOutcome } from "../ingest/score-models";

export interface Hints {
  tier: string;
  promo: { code: string; message: string } | null;
  segments: string[];
  recommendations: unknown[];
  score?: number;
}

export function hintsFrom(primary: ModelOutcome | undefined): Hints {
  if (!primary) return { tier: "cold", promo: null, segments: [], recommendations: [] };
  const r = primary.result;
  const hints: Hints = {
    tier: r.tier,
    promo: null,
    segments: r.promos.length && !r.disqualified ? [] : [],
    recommendations: [],
  };
  if (primary.sm.model.exposeScore) hints.score = r.score;
  return hints;
}
