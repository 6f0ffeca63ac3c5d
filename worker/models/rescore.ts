// Rescoring a site's existing leads after a model PUT, in chunks that fit the
// Worker limits (CPU, D1 queries, memory): a chunk is at most 50 leads and
// about 5,000 events, read in one batch and written in one batch. The walk is
// resumable (a cursor on the model row) and driven by the request's waitUntil
// and then by the cron, so any number of leads gets done.
import { recompute, toLeadState } from "../scoring/engine";
import { parseModel } from "../scoring/model";
import { rowToScoreEvent } from "../ingest/score-models";
import { CONFLICT_MARK, guard, scoreWrite, writes, type EventRow } from "../ingest/store";

const MAX_LEADS = 50;
const MAX_EVENTS = 5000;

interface Pending {
  site_id: string;
  name: string;
  version: number;
  document: string;
  rescore_cursor: string;
}

/** One chunk; returns false when this model has nothing left to rescore. */
export async function rescoreChunk(db: D1Database, siteId: string, name: string, now: number): Promise<boolean> {
  const [m, l] = await db.batch([
    db.prepare("SELECT site_id, name, version, document, rescore_cursor FROM models WHERE site_id = ?1 AND name = ?2 AND rescore_cursor IS NOT NULL").bind(siteId, name),
    db
      .prepare(
        `SELECT id, traits, version, event_count FROM leads WHERE site_id = ?1
           AND id > coalesce((SELECT rescore_cursor FROM models WHERE site_id = ?1 AND name = ?2), '') ORDER BY id LIMIT ?3`,
      )
      .bind(siteId, name, MAX_LEADS),
  ]);
  const model = m!.results[0] as Pending | undefined;
  if (!model) return false;
  let leads = l!.results as { id: string; traits: string; version: number; event_count: number }[];
  if (leads.length === 0) {
    await db.prepare("UPDATE models SET rescore_cursor = NULL WHERE site_id = ?1 AND name = ?2 AND version = ?3").bind(siteId, name, model.version).run();
    return false;
  }
  let budget = 0;
  leads = leads.filter((x, i) => (budget += x.event_count) <= MAX_EVENTS || i === 0);

  const parsed = parseModel(JSON.parse(model.document), { allowHttpLocalhost: true });
  const ids = JSON.stringify(leads.map((x) => x.id));
  const [ev, st] = await db.batch([
    db.prepare("SELECT id, lead_id, type, name, ts, url, path, session_id, props FROM events WHERE lead_id IN (SELECT value FROM json_each(?1)) ORDER BY lead_id, n").bind(ids),
    db.prepare("SELECT lead_id, state FROM lead_scores WHERE model = ?2 AND lead_id IN (SELECT value FROM json_each(?1))").bind(ids, name),
  ]);
  const byLead = new Map<string, EventRow[]>();
  for (const e of ev!.results as unknown as EventRow[]) {
    const list = byLead.get(e.lead_id) ?? [];
    list.push(e);
    byLead.set(e.lead_id, list);
  }
  const previous = new Map((st!.results as { lead_id: string; state: string }[]).map((r) => [r.lead_id, r.state]));

  const stmts: D1PreparedStatement[] = [guard(db, { siteId, expected: leads.map((x) => ({ id: x.id, version: x.version })), visitor: null, modelsSignature: null })];
  if (parsed.ok) {
    const rows = leads.map((x) => {
      const prev = previous.get(x.id);
      const r = recompute(parsed.model, (byLead.get(x.id) ?? []).map(rowToScoreEvent), JSON.parse(x.traits) as Record<string, unknown>, now, prev ? toLeadState(JSON.parse(prev)) : undefined);
      return scoreWrite(x.id, name, model.version, r.result, r.state);
    });
    stmts.push(writes.upsertScores(db, siteId, now, rows));
  }
  // Bumping the versions makes an ingest that read the old state retry with the new model.
  stmts.push(db.prepare("UPDATE leads SET version = version + 1 WHERE id IN (SELECT value FROM json_each(?1))").bind(ids));
  stmts.push(
    db
      .prepare("UPDATE models SET rescore_cursor = ?3, rescore_done = rescore_done + ?4 WHERE site_id = ?1 AND name = ?2 AND version = ?5")
      .bind(siteId, name, leads[leads.length - 1]!.id, leads.length, model.version),
  );
  try {
    await db.batch(stmts);
  } catch (err) {
    // A lead changed under us: the next chunk call re-reads and redoes it.
    if (!(err instanceof Error && err.message.includes(CONFLICT_MARK))) throw err;
  }
  return true;
}

/** Works through pending rescoring until done or the time budget is spent. */
export async function runRescoring(db: D1Database, budgetMs: number, clock: () => number = Date.now): Promise<number> {
  const start = clock();
  let chunks = 0;
  const pending = await db.prepare("SELECT site_id, name FROM models WHERE rescore_cursor IS NOT NULL ORDER BY updated_at LIMIT 100").all<{ site_id: string; name: string }>();
  for (const p of pending.results) {
    while (clock() - start < budgetMs) {
      if (!(await rescoreChunk(db, p.site_id, p.name, clock()))) break;
      chunks++;
    }
  }
  return chunks;
}
