// Personalization hints for the page (SPEC §3, §6): the tier, the promo code the
// lead holds for a promo that holds now, segments and recommendations. Never
// personal data, and the score only when the model opts in with `exposeScore`.
import type { ModelOutcome } from "../ingest/score-models";
import type { HeldCode } from "../promos/promos";
import type { Recommendation } from "../recommend/recommend";
import type { ScoreResult } from "../scoring/engine";
import type { Model } from "../scoring/model";

export interface Hints {
  tier: string;
  promo: { code: string; message: string } | null;
  segments: string[];
  recommendations: Recommendation[];
  score?: number;
}

export const COLD: Hints = { tier: "cold", promo: null, segments: [], recommendations: [] };

/**
 * Segments a page can switch on without knowing who the visitor is:
 * `tier:<name>` for every tier reached ("at least"), `qualified` when every
 * must-have holds, `sales-ready` at 100 % readiness, `promo:<id>` per promo that holds.
 */
export function segmentsOf(model: Model, r: ScoreResult): string[] {
  if (r.disqualified) return ["disqualified"];
  const out: string[] = [];
  const tiers = Object.keys(model.tiers);
  const reached = tiers.indexOf(r.tier);
  for (let i = 0; i <= reached; i++) out.push(`tier:${tiers[i]}`);
  if (r.qualified) out.push("qualified");
  if (r.readiness >= 100) out.push("sales-ready");
  for (const p of r.promos) out.push(`promo:${p}`);
  return out;
}

export function hintsOf(model: Model, modelName: string, r: ScoreResult, codes: HeldCode[]): Hints {
  // The first promo (in model order) that holds now and for which the lead holds a code.
  let promo: Hints["promo"] = null;
  for (const p of model.promos) {
    if (!r.promos.includes(p.id)) continue;
    const held = codes.find((c) => c.model === modelName && c.promo_id === p.id);
    if (held) {
      promo = { code: held.code, message: p.message ?? "" };
      break;
    }
  }
  const hints: Hints = { tier: r.tier, promo, segments: segmentsOf(model, r), recommendations: [] };
  if (model.exposeScore) hints.score = r.score;
  return hints;
}

export function hintsFrom(primary: ModelOutcome | undefined, codes: HeldCode[] = []): Hints {
  if (!primary) return { ...COLD };
  return hintsOf(primary.sm.model, primary.sm.name, primary.result, codes);
}
