// Scores one lead under every model of its site, incrementally when the stored
// state is current, from the full history when it is not (after a merge, or
// when the model changed and the background rescoring has not reached the lead).
import { applyEvents, emptyState, recompute, toLeadState, type LeadState, type ScoreEvent, type ScoreResult, type TriggerFiring } from "../scoring/engine";
import { parseModel, type Model } from "../scoring/model";
import type { StoredEvent } from "./normalize";
import type { EventRow } from "../store/events/ingest";
import type { ModelRow, ScoreRow } from "../store/scores/ingest";

export interface SiteModel {
  name: string;
  version: number;
  primary: boolean;
  model: Model;
}

// Parsing a model document costs far more than scoring an event: keep the
// parsed form per isolate, keyed by site, name and version (versions never change).
const parsed = new Map<string, Model>();

export function siteModels(siteId: string, rows: ModelRow[]): SiteModel[] {
  const out: SiteModel[] = [];
  rows.forEach((r, i) => {
    const key = `${siteId}\u0000${r.name}\u0000${r.version}`;
    let model = parsed.get(key);
    if (!model) {
      // Stored documents were validated when saved; re-validation only fails if
      // the schema got stricter since, and then the model is skipped, not fatal.
      const p = parseModel(JSON.parse(r.document), { allowHttpLocalhost: true });
      if (!p.ok) return;
      model = p.model;
      if (parsed.size > 500) parsed.clear();
      parsed.set(key, model);
    }
    out.push({ name: r.name, version: r.version, primary: i === 0, model });
  });
  return out;
}

export function toScoreEvent(e: StoredEvent): ScoreEvent {
  return { id: e.id, type: e.type, name: e.name, ts: e.ts, url: e.url, path: e.path, sessionId: e.sessionId, props: e.props };
}

export function rowToScoreEvent(r: EventRow): ScoreEvent {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    ts: r.ts,
    url: r.url,
    path: r.path,
    sessionId: r.session_id,
    props: r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null,
  };
}

/** True when some model has no current state for a lead that already has events. */
export function needsHistory(models: SiteModel[], states: ScoreRow[], leadId: string, leadHasEvents: boolean): boolean {
  if (!leadHasEvents) return false;
  return models.some((m) => !states.some((s) => s.lead_id === leadId && s.model === m.name && s.model_version === m.version));
}

export interface ModelOutcome {
  sm: SiteModel;
  state: LeadState;
  result: ScoreResult;
  fired: TriggerFiring[];
}

export function scoreModels(
  models: SiteModel[],
  states: ScoreRow[],
  leadId: string,
  history: ScoreEvent[] | null,
  fresh: ScoreEvent[],
  traits: Record<string, unknown>,
  now: number,
): ModelOutcome[] {
  return models.map((sm) => {
    const stored = states.find((s) => s.lead_id === leadId && s.model === sm.name);
    const current = stored && stored.model_version === sm.version ? stored : null;
    // A recompute keeps the trigger crossing counters of the stored state, so a
    // later crossing gets a new alert number instead of colliding with an old one.
    const base: LeadState = history
      ? recompute(sm.model, history, traits, now, stored ? toLeadState(JSON.parse(stored.state)) : undefined).state
      : current
        ? toLeadState(JSON.parse(current.state))
        : emptyState();
    const r = applyEvents(sm.model, base, fresh, traits, now);
    return { sm, state: r.state, result: r.result, fired: r.fired };
  });
}
