// Retention of raw events: a site keeps its events for `retentionDays` (default
// 400); the cron deletes older ones. Scores do not move: a lead's stored engine
// state (lead_scores.state) carries what decay, limits and triggers need, and
// ingest scores new events from that state, never from history. What changes:
// a recompute (a model change, a merge of two leads) can only replay the
// events retained, so behaviour older than the window stops counting then.
//
// There is no index on events.ts (each index is a row write per event), so the
// walk goes lead by lead: the site's leads in keyset pages through the
// (site_id, email) index prefix, and for each lead first seen before the
// cutoff, its events by ranges of n through the (lead_id, n) index, at most
// CHUNK_EVENTS examined per statement. A session whose last event goes goes
// with it (it has none left). Leads, visitors, scores, conversions and alerts
// are never deleted.
//
// The walk's position lives on the site's directory row and advances one
// chunk at a time, only from the position read (compare-and-set), so two
// overlapping cron runs never both move it, and a chunk done twice deletes
// nothing the second time. A walk starts at most once a day per site.
import { rowsOf } from "../store/batch";
import * as sql from "../store/retention";
import { directory, shardDb, type ShardBindings } from "../shards/shards";

export const DAY_MS = 86_400_000;
/** Events examined per statement: the n-ranges of one chunk add up to at most this. */
export const CHUNK_EVENTS = 1000;
const PAGE = 200;
const SITES_PER_RUN = 50;
/**
 * Chunks per cron run, every shard together. A chunk is about four D1 queries
 * (a page of leads, the two deletions, the cursor), and an invocation may make
 * 1,000, shared with the cron's other work.
 */
export const MAX_CHUNKS = 60;

/**
 * The walk's position: shard `s` (a walk restarts when the site moved), phase
 * `p` (0: anonymous leads by rowid, 1: identified leads by email), `k` the key
 * of the last lead done, and a lead `l` done up to event number `n` when a
 * chunk ended inside it.
 */
export interface Cursor {
  s: number;
  p: 0 | 1;
  k: number | string | null;
  l?: string;
  n?: number;
}

export interface RetentionRun {
  chunks: number;
  events: number;
  sessions: number;
  /** Sites whose walk ended in this run. */
  walksDone: number;
}

type StepResult = "more" | "done" | "lost";

function readCursor(site: sql.RetentionSiteRow): Cursor {
  const c = site.retention_cursor ? (JSON.parse(site.retention_cursor) as Cursor) : null;
  return c && c.s === site.shard ? c : { s: site.shard, p: 0, k: null };
}

/** The n-ranges of one chunk from a page of leads, and where the walk stands after them. */
export function planChunk(page: sql.RetentionLead[], cur: Cursor, cutoff: number): { ranges: sql.EventRange[]; next: Cursor } {
  const ranges: sql.EventRange[] = [];
  let next: Cursor = { s: cur.s, p: cur.p, k: cur.k };
  let budget = CHUNK_EVENTS;
  for (const lead of page) {
    // Events below first_n are gone already (the oldest usually go first).
    const from = Math.max(cur.l === lead.id ? (cur.n ?? 0) : 0, (lead.first_n ?? 0) - 1);
    const to = lead.event_count;
    // first_seen is the oldest event's ts: a lead first seen after the cutoff has nothing old.
    if (lead.first_seen >= cutoff || lead.first_n === null || from >= to) {
      next = { s: cur.s, p: cur.p, k: lead.k };
      continue;
    }
    const take = Math.min(budget, to - from);
    ranges.push({ l: lead.id, a: from, b: from + take });
    budget -= take;
    if (from + take < to) return { ranges, next: { ...next, l: lead.id, n: from + take } };
    next = { s: cur.s, p: cur.p, k: lead.k };
    if (budget === 0) break;
  }
  return { ranges, next };
}

/** One chunk of a site's walk; `site` is updated to the position written. */
export async function retentionStep(env: ShardBindings, site: sql.RetentionSiteRow, now: number, run: RetentionRun): Promise<StepResult> {
  const db = shardDb(env, site.shard);
  const cutoff = now - site.retention_days * DAY_MS;
  const cur = readCursor(site);
  const page = (await sql.leadPage(db, site.id, cur.p === 0, cur.k, PAGE).all<sql.RetentionLead>()).results;
  let next: Cursor | null;
  if (page.length === 0) next = cur.p === 0 ? { s: cur.s, p: 1, k: null } : null;
  else {
    const chunk = planChunk(page, cur, cutoff);
    next = chunk.next;
    if (chunk.ranges.length) {
      // Sessions first: they are found through the events about to go. One transaction.
      const [s, e] = await db.batch([sql.deleteClosedSessions(db, site.id, chunk.ranges, cutoff), sql.deleteOldEvents(db, site.id, chunk.ranges, cutoff)]);
      run.sessions += s!.meta.changes ?? 0;
      run.events += e!.meta.changes ?? 0;
    }
  }
  run.chunks++;
  const to = next ? JSON.stringify(next) : null;
  const doneAt = next ? null : now;
  const moved = await sql.advanceCursor(directory(env), site.id, site.retention_cursor, site.retention_done_at, to, doneAt).run();
  if (!moved.meta.changes) return "lost";
  site.retention_cursor = to;
  if (doneAt !== null) site.retention_done_at = doneAt;
  return next ? "more" : "done";
}

/**
 * The cron's entry point: works through the due sites (each shard's in
 * parallel, each site's chunks in order) until they are done, the time budget
 * is spent or the run's chunks are used up; the next run continues.
 */
export async function runRetention(env: ShardBindings, now: () => number = Date.now, budgetMs = 20_000, maxChunks = MAX_CHUNKS): Promise<RetentionRun> {
  const start = now();
  const run: RetentionRun = { chunks: 0, events: 0, sessions: 0, walksDone: 0 };
  const due = rowsOf<sql.RetentionSiteRow>(await sql.dueSites(directory(env), start - DAY_MS, SITES_PER_RUN).all());
  const byShard = new Map<number, sql.RetentionSiteRow[]>();
  for (const s of due) byShard.set(s.shard, [...(byShard.get(s.shard) ?? []), s]);
  const more = () => run.chunks < maxChunks && now() - start < budgetMs;
  await Promise.all(
    [...byShard.values()].map(async (sites) => {
      for (const site of sites) {
        for (;;) {
          if (!more()) return;
          const r = await retentionStep(env, site, now(), run);
          if (r === "done") run.walksDone++;
          if (r !== "more") break;
        }
      }
    }),
  );
  return run;
}
