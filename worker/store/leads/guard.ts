// Optimistic concurrency for write batches. The batch's first statement
// evaluates the guard and raises (rolling the whole transaction back) unless
// each lead still has the version the request read, the visitor still points at
// the lead it read, and the site's models are the versions it scored with;
// resent or concurrently stored events are refused by the events primary key.
// `json('conflict')` is the way to raise from plain SQL without writing.
//
// The guard also refuses a site fenced in this shard (it moved away, or is
// switching shards): no event ever lands in a shard that is not the site's.
//
// Whether a failed batch lost a race is then decided by data, not by the
// error's text: the guard is evaluated again, as a read, together with whether
// any of the batch's event ids now exist. A lost race shows there (versions only
// grow, stored events stay); a fence shows as SiteMoved; anything else is a
// real error and is rethrown.
import { countBatch, type D1Stats, SiteMoved, WriteConflict } from "../batch";
import { runGrouped } from "../group-commit";

export interface GuardSpec {
  siteId: string;
  expected: { id: string; version: number | null }[];
  visitor: { id: string; lead: string | null } | null;
  modelsSignature: string | null;
}

/** The guard's condition, its parameters numbered from ?{at+1}. */
export function guardCondition(at: number): string {
  const p = (n: number) => `?${at + n}`;
  return `(SELECT count(*) FROM json_each(${p(1)}) x
            WHERE (SELECT version FROM leads WHERE id = x.value->>'$.id') IS NOT x.value->>'$.v') = 0
         AND (${p(3)} IS NULL OR (SELECT lead_id FROM visitors WHERE site_id = ${p(2)} AND id = ${p(3)}) IS ${p(4)})
         AND (${p(5)} IS NULL OR coalesce((SELECT group_concat(s, ',') FROM (SELECT name || ':' || version AS s FROM models WHERE site_id = ${p(2)} ORDER BY position)), '') = ${p(5)})
         AND NOT EXISTS (SELECT 1 FROM site_fences WHERE site_id = ${p(2)})`;
}

export function guardParams(g: GuardSpec): unknown[] {
  return [JSON.stringify(g.expected.map((e) => ({ id: e.id, v: e.version }))), g.siteId, g.visitor?.id ?? null, g.visitor?.lead ?? null, g.modelsSignature];
}

/** The guard on its own, for batches that insert no event (else it rides on the events insert). */
export function guard(db: D1Database, g: GuardSpec) {
  return db.prepare(`SELECT json(CASE WHEN ${guardCondition(0)} THEN '1' ELSE 'conflict' END) AS ok`).bind(...guardParams(g));
}

/** Whether the guard still holds (and none of `eventIds` is stored), and whether the site is fenced here. */
export async function guardState(db: D1Database, g: GuardSpec, eventIds: string[]): Promise<{ holds: boolean; fenced: boolean }> {
  const row = await db
    .prepare(
      `SELECT (${guardCondition(0)}) AND NOT EXISTS (SELECT 1 FROM events WHERE site_id = ?2 AND id IN (SELECT value FROM json_each(?6))) AS ok,
              EXISTS (SELECT 1 FROM site_fences WHERE site_id = ?2) AS fenced`,
    )
    .bind(...guardParams(g), JSON.stringify(eventIds))
    .first<{ ok: number; fenced: number }>();
  return { holds: row?.ok === 1, fenced: row?.fenced === 1 };
}

/** A guarded batch that failed: whether it lost a race is decided by the next read (see `lostRace`). */
export class GuardedBatchFailed extends Error {
  constructor(
    readonly guard: GuardSpec,
    readonly eventIds: string[],
    override readonly cause: unknown,
  ) {
    super("a guarded write batch failed");
    this.name = "GuardedBatchFailed";
  }
}

/** What a fresh read says about a guard: the leads' versions, the visitor's lead, the models, the events, the fence. */
export interface GuardView {
  versions: Map<string, number>;
  visitorLead: string | null;
  modelsSignature: string;
  existing: Set<string>;
  fenced: boolean;
}

/**
 * Whether a failed guarded batch lost a race, decided by data (the read the
 * retry makes anyway, so a conflict costs no extra round trip): some lead's
 * version, the visitor's lead or the models differ from what the batch
 * expected, or one of its events is stored now. A site fenced here is SiteMoved.
 */
export function lostRace(f: GuardedBatchFailed, now: GuardView): boolean {
  if (now.fenced) throw new SiteMoved(f.guard.siteId);
  const g = f.guard;
  if (g.expected.some((e) => (now.versions.get(e.id) ?? null) !== e.version)) return true;
  if (g.visitor && now.visitorLead !== g.visitor.lead) return true;
  if (g.modelsSignature !== null && now.modelsSignature !== g.modelsSignature) return true;
  return f.eventIds.some((id) => now.existing.has(id));
}

/**
 * Runs a guarded write batch, grouped with the site's other requests in flight (group-commit.ts);
 * a failure comes back as GuardedBatchFailed for the caller's next read to judge.
 */
export async function runGuardedOnce(db: D1Database, stmts: D1PreparedStatement[], g: GuardSpec, eventIds: string[], stats: D1Stats): Promise<D1Result[]> {
  try {
    const { results, groupSize, roundTrips } = await runGrouped(db, g.siteId, stmts);
    countBatch(stats, results);
    // A group that failed before this request ran alone cost it a round trip too.
    stats.roundTrips += roundTrips - 1;
    stats.groupSize = groupSize;
    return results;
  } catch (err) {
    stats.roundTrips++;
    throw new GuardedBatchFailed(g, eventIds, err);
  }
}

/** Whether the site is fenced in this shard (read with the snapshot). */
export const fencedHere = (db: D1Database, siteId: string) => db.prepare("SELECT EXISTS (SELECT 1 FROM site_fences WHERE site_id = ?1) AS fenced").bind(siteId);

/**
 * Runs a guarded write batch (its first statement carries the guard). A batch
 * that failed because another request won the race becomes a WriteConflict.
 * (For callers without a read of their own to judge by: one extra read on failure.)
 */
export async function runGuarded(db: D1Database, stmts: D1PreparedStatement[], g: GuardSpec, eventIds: string[], stats: D1Stats): Promise<D1Result[]> {
  try {
    const results = await db.batch(stmts);
    countBatch(stats, results);
    return results;
  } catch (err) {
    stats.roundTrips++;
    const state = await guardState(db, g, eventIds);
    if (state.fenced) throw new SiteMoved(g.siteId);
    if (!state.holds) throw new WriteConflict();
    throw err;
  }
}
