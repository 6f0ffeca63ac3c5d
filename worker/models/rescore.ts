// Rescoring a site's existing leads after a model PUT, in chunks that fit the
// Worker limits (CPU, D1 queries, memory): a chunk is at most 50 leads and
// about 5,000 events, read in one batch and written in one batch. The walk is
// resumable (a cursor on the model row) and driven by the request's waitUntil
// and then by the cron, so any number of leads gets done.
import { recompute, toLeadState } from "../scoring/engine";
import { parseModel } from "../scoring/model";
import { rowToScoreEvent } from "../ingest/score-models";
import { newStats, rowsOf, SiteMoved, WriteConflict } from "../store/batch";
import type { EventRow } from "../store/events/ingest";
import { guard, runGuarded, type GuardSpec } from "../store/leads/guard";
import { historiesOf } from "../store/events/queries";
import { bumpVersions, rescorePage, type RescoreLeadRow } from "../store/leads/queries";
import { advanceRescore, finishRescore, modelsToRescore, rescoringModel, type RescoringModel } from "../store/models";
import type { LeadScoreRow } from "../store/rows";
import { scoreRowOf, upsertScores } from "../store/scores/ingest";
import { statesOf } from "../store/scores/queries";

const MAX_LEADS = 50;
const MAX_EVENTS = 5000;

/** One chunk; returns false when this model has nothing left to rescore. */
export async function rescoreChunk(db: D1Database, siteId: string, name: string, now: number): Promise<boolean> {
  const [m, l] = await db.batch([rescoringModel(db, siteId, name), rescorePage(db, siteId, name, MAX_LEADS)]);
  const model = rowsOf<RescoringModel>(m)[0];
  if (!model) return false;
  let leads = rowsOf<RescoreLeadRow>(l);
  if (leads.length === 0) {
    await finishRescore(db, siteId, name, model.version).run();
    return false;
  }
  let budget = 0;
  leads = leads.filter((x, i) => (budget += x.event_count) <= MAX_EVENTS || i === 0);

  const parsed = parseModel(JSON.parse(model.document), { allowHttpLocalhost: true });
  const ids = leads.map((x) => x.id);
  const [ev, st] = await db.batch([historiesOf(db, ids), statesOf(db, ids, name)]);
  const byLead = new Map<string, EventRow[]>();
  for (const e of rowsOf<EventRow>(ev)) {
    const list = byLead.get(e.lead_id) ?? [];
    list.push(e);
    byLead.set(e.lead_id, list);
  }
  const previous = new Map(rowsOf<Pick<LeadScoreRow, "lead_id" | "state">>(st).map((r) => [r.lead_id, r.state]));

  const spec: GuardSpec = { siteId, expected: leads.map((x) => ({ id: x.id, version: x.version })), visitor: null, modelsSignature: null };
  const stmts: D1PreparedStatement[] = [guard(db, spec)];
  if (parsed.ok) {
    const rows = leads.map((x) => {
      const prev = previous.get(x.id);
      const r = recompute(parsed.model, (byLead.get(x.id) ?? []).map(rowToScoreEvent), JSON.parse(x.traits) as Record<string, unknown>, now, prev ? toLeadState(JSON.parse(prev)) : undefined);
      return scoreRowOf(x.id, name, model.version, r.result, r.state);
    });
    stmts.push(upsertScores(db, siteId, now, rows));
  }
  // Bumping the versions makes an ingest that read the old state retry with the new model.
  stmts.push(bumpVersions(db, ids));
  stmts.push(advanceRescore(db, siteId, name, model.version, leads[leads.length - 1]!.id, leads.length));
  try {
    await runGuarded(db, stmts, spec, [], newStats());
  } catch (err) {
    // A lead changed under us: the next chunk call re-reads and redoes it.
    if (err instanceof WriteConflict) return true;
    // The site is moving away from this shard: its new shard rescores it.
    if (err instanceof SiteMoved) return false;
    throw err;
  }
  return true;
}

/** Works through pending rescoring until done or the time budget is spent. */
export async function runRescoring(db: D1Database, budgetMs: number, clock: () => number = Date.now): Promise<number> {
  const start = clock();
  let chunks = 0;
  for (const p of await modelsToRescore(db)) {
    while (clock() - start < budgetMs) {
      if (!(await rescoreChunk(db, p.site_id, p.name, clock()))) break;
      chunks++;
    }
  }
  return chunks;
}
