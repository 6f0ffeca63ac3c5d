// "Preview" in the model editor: how the site's most recent leads would move under an
// edited model, before saving it. Each lead is recomputed from its stored events and
// traits under the current model and under the edited one at the same `now`, so the
// difference is the model change alone (not decay since the last rescoring).
// Read-only; bounded to PREVIEW_LEADS leads and PREVIEW_EVENTS events per preview.
import { rowToScoreEvent } from "../ingest/score-models";
import type { EventRow } from "../store/events/ingest";
import { recompute, type ScoreEvent } from "../scoring/engine";
import { jsonProblem, parseJson } from "../lib/json";
import { type ModelIssue, parseModel, type Model } from "../scoring/model";
import { historiesOf } from "../store/events/queries";
import { recentLeads } from "../store/leads/queries";

export const PREVIEW_LEADS = 200;
export const PREVIEW_EVENTS = 20_000;

export interface Mover {
  id: string;
  email: string | null;
  name: string | null;
  before: { tier: string; score: number } | null;
  after: { tier: string; score: number };
  /** +1 up, -1 down, 0 same tier. */
  move: number;
}

export interface Preview {
  leads: number;
  /** True when the event budget stopped the preview before PREVIEW_LEADS leads. */
  truncated: boolean;
  up: number;
  down: number;
  same: number;
  movers: Mover[];
  /** Lead counts per tier, before and after. */
  distribution: { tier: string; before: number; after: number }[];
}

/** Orders tiers: disqualified < cold < the model's tiers ascending. */
function rank(model: Model, tier: string): number {
  if (tier === "disqualified") return -2;
  if (tier === "cold") return -1;
  const i = Object.keys(model.tiers).indexOf(tier);
  return i;
}

export async function previewModel(db: D1Database, siteId: string, edited: Model, current: Model | null, now: number): Promise<Preview> {
  const rows = await recentLeads(db, siteId, PREVIEW_LEADS);
  let budget = 0;
  let leads = rows.filter((l, i) => (budget += l.event_count) <= PREVIEW_EVENTS || i === 0);
  const truncated = leads.length < rows.length;
  const byLead = new Map<string, ScoreEvent[]>();
  if (leads.length) {
    const ev = await historiesOf(db, leads.map((l) => l.id)).all<EventRow>();
    for (const e of ev.results) {
      const list = byLead.get(e.lead_id) ?? [];
      list.push(rowToScoreEvent(e));
      byLead.set(e.lead_id, list);
    }
  }
  const movers: Mover[] = [];
  const dist = new Map<string, { before: number; after: number }>();
  const bump = (tier: string, k: "before" | "after") => {
    const d = dist.get(tier) ?? { before: 0, after: 0 };
    d[k]++;
    dist.set(tier, d);
  };
  let up = 0;
  let down = 0;
  let same = 0;
  leads = leads.slice(0, PREVIEW_LEADS);
  for (const l of leads) {
    let traits: Record<string, unknown>;
    try {
      traits = JSON.parse(l.traits) as Record<string, unknown>;
    } catch {
      traits = {};
    }
    const events = byLead.get(l.id) ?? [];
    const after = recompute(edited, events, traits, now).result;
    const before = current ? recompute(current, events, traits, now).result : null;
    bump(after.tier, "after");
    if (before) bump(before.tier, "before");
    const rb = before ? rank(current!, before.tier) : -1;
    const ra = rank(edited, after.tier);
    const move = ra > rb ? 1 : ra < rb ? -1 : 0;
    if (move > 0) up++;
    else if (move < 0) down++;
    else same++;
    if (move !== 0) {
      movers.push({
        id: l.id,
        email: l.email,
        name: l.name,
        before: before ? { tier: before.tier, score: before.score } : null,
        after: { tier: after.tier, score: after.score },
        move,
      });
    }
  }
  movers.sort((a, b) => b.move - a.move || b.after.score - a.after.score);
  const order = ["disqualified", "cold", ...new Set([...Object.keys(current?.tiers ?? {}), ...Object.keys(edited.tiers)])];
  const distribution = [...dist.entries()]
    .map(([tier, d]) => ({ tier, ...d }))
    .sort((a, b) => order.indexOf(b.tier) - order.indexOf(a.tier));
  return { leads: leads.length, truncated, up, down, same, movers, distribution };
}

export type EditedPreview = { ok: true; preview: Preview; tiers: string[] } | { ok: false; error: string; issues: ModelIssue[] | null };

/**
 * The editor's text, checked as the API's body reader and model parser check it (where the
 * JSON breaks, by line and column; no nesting deep enough to overflow the parser's stack;
 * every model problem with its path), then previewed against the current document.
 */
export async function previewText(
  db: D1Database,
  siteId: string,
  text: string,
  currentDocument: unknown | null,
  opts: { allowHttpLocalhost: boolean; now: number },
): Promise<EditedPreview> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, error: `The document is not valid JSON: ${json.message} (line ${json.line}, column ${json.column}).`, issues: null };
  const problem = jsonProblem(json.value);
  if (problem) return { ok: false, error: "The document is invalid:", issues: [problem] };
  const parsed = parseModel(json.value, { allowHttpLocalhost: opts.allowHttpLocalhost });
  if (!parsed.ok) return { ok: false, error: `The model has ${parsed.issues.length} problem(s):`, issues: parsed.issues };
  const cur = currentDocument !== null ? parseModel(currentDocument, { allowHttpLocalhost: true }) : null;
  const preview = await previewModel(db, siteId, parsed.model, cur && cur.ok ? cur.model : null, opts.now);
  return { ok: true, preview, tiers: Object.keys(parsed.model.tiers) };
}
