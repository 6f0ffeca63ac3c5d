// The invariant of SPEC §5 checked from the outside: a lead's stored score
// equals a full recompute from its stored events and traits.
import { env } from "cloudflare:workers";
import { evaluate, recompute, toLeadState, type ScoreResult } from "../../worker/scoring/engine";
import { parseModel } from "../../worker/scoring/model";
import { rowToScoreEvent } from "../../worker/ingest/score-models";
import type { EventRow } from "../../worker/store/events/ingest";

export interface Comparison {
  leadId: string;
  stored: ScoreResult;
  recomputed: ScoreResult;
  storedScoreColumn: number;
}

export async function compareWithRecompute(siteId: string, modelName: string, now: number, db: D1Database = env.DB): Promise<Comparison[]> {
  const m = await db.prepare("SELECT document FROM models WHERE site_id = ? AND name = ?").bind(siteId, modelName).first<{ document: string }>();
  const parsed = parseModel(JSON.parse(m!.document), { allowHttpLocalhost: true });
  if (!parsed.ok) throw new Error("stored model invalid");
  const leads = (await db.prepare("SELECT l.id, l.traits, s.state, s.score FROM leads l LEFT JOIN lead_scores s ON s.lead_id = l.id AND s.model = ? WHERE l.site_id = ?").bind(modelName, siteId).all<{ id: string; traits: string; state: string | null; score: number | null }>()).results;
  const out: Comparison[] = [];
  for (const l of leads) {
    const events = (await db.prepare("SELECT id, lead_id, type, name, ts, url, path, session_id, props FROM events WHERE lead_id = ? ORDER BY n").bind(l.id).all<EventRow>()).results;
    const traits = JSON.parse(l.traits) as Record<string, unknown>;
    out.push({
      leadId: l.id,
      stored: evaluate(parsed.model, toLeadState(l.state ? JSON.parse(l.state) : null), traits, now),
      recomputed: recompute(parsed.model, events.map(rowToScoreEvent), traits, now).result,
      storedScoreColumn: l.score ?? 0,
    });
  }
  return out;
}
