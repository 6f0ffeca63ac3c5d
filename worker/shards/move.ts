// Moving a site to another shard (POST /v1/admin/sites/:id/move), with the
// site live the whole time. A state machine kept in the directory row, advanced
// one bounded step at a time (by the request's waitUntil, then the cron), so
// any size of site fits the Worker limits and a crashed driver loses nothing:
//
// 1. copying   — the site's rows are copied table by table, in primary-key
//                chunks, from its shard to the target (INSERT OR REPLACE, so a
//                step done twice is harmless). Ingest keeps writing to the source.
// 2. switching — the source is fenced (store/leads/guard.ts): every guarded
//                write for the site there fails and its request waits for the
//                switch (shards/site-db.ts). The catch-up pass then makes the
//                target equal to the source: rows written during the copy are
//                upserted, rows deleted meanwhile (merges, erasure, retention)
//                are dropped from the target.
// 3. flip      — the directory names the target as the site's shard.
// 4. cleaning  — once every isolate's 30-second site cache has expired, the
//                source's rows are deleted in chunks; the fence stays, so a
//                stale writer can never write there.
//
// The fence is the database's own (triggers on every site table, migration
// 0011): any write of the site's rows in a fenced shard aborts, whoever makes
// it — ingest, an admin upload, an erasure, a promo grant — so none can land in
// the source after the catch-up copied its table.
//
// No event is lost (every write before the fence is in the source, which the
// catch-up copies; every write after it waits and goes to the target) and none
// is doubled (rows are copied by primary key; a retried request's events are
// refused as duplicates by the target like anywhere else).
import { ApiError } from "../http/errors";
import { forgetSite } from "../sites/sites";
import * as shards from "../store/shards";
import { directory, shardDb, type ShardBindings } from "./shards";

const CHUNK = 200;
/** Longer than the per-isolate site cache (sites.ts, 30 s): nobody still reads the source. */
const CLEAN_AFTER_MS = 60_000;

// `until`: the copy's end in the current table, the last key it had when its pass began.
type Cursor = { t: number; after: unknown[] | null; until?: unknown[]; prune?: boolean };
type Cleaning = { from: number; t: number; at: number };

const keyOf = (t: shards.SiteTable, row: Record<string, unknown>) => t.pk.map((c) => row[c]);
const keyObject = (t: shards.SiteTable, row: Record<string, unknown>) => Object.fromEntries(t.pk.map((c) => [c, row[c]]));

/** Starts a move of `siteId` to shard `to`; refuses a second move or an unbound shard. */
export async function startMove(env: ShardBindings, siteId: string, to: number): Promise<shards.MoveRow> {
  shardDb(env, to);
  const dir = directory(env);
  const res = await shards.startMove(dir, siteId, to).run();
  const row = await shards.siteShard(dir, siteId).first<shards.MoveRow>();
  if (!row) throw new ApiError(404, "not_found", "Site not found");
  if (!res.meta.changes) {
    if (row.move_state) throw new ApiError(409, "move_in_progress", `The site is already moving to shard ${row.move_to}.`);
    throw new ApiError(409, "already_there", `The site already lives on shard ${to}.`);
  }
  return row;
}

export type StepResult = "done" | "more" | "wait";

/** One bounded step of a site's move. Safe to run from two drivers at once: each step advances only from the state it read. */
export async function moveStep(env: ShardBindings, siteId: string, now: number): Promise<StepResult> {
  const dir = directory(env);
  const m = await shards.siteShard(dir, siteId).first<shards.MoveRow>();
  if (!m?.move_state) return "done";
  if (m.move_state === "cleaning") return clean(env, m, now);
  const from = shardDb(env, m.shard);
  const to = shardDb(env, m.move_to!);
  const cur: Cursor = m.move_cursor ? JSON.parse(m.move_cursor) : { t: 0, after: null };
  const advance = (state: string | null, next: unknown) => shards.advanceMove(dir, siteId, m.move_state!, m.move_cursor, state, next === null ? null : JSON.stringify(next)).run();

  if (cur.t >= shards.SITE_TABLES.length) {
    if (m.move_state === "copying") {
      // Every write from now on waits for the switch (the fence fails it here).
      await shards.fence(from, siteId, now).run();
      forgetSite(siteId);
      await advance("switching", { t: 0, after: null });
    } else {
      // The target becomes the site's home (a fence from an earlier move away goes first).
      await shards.unfence(to, siteId).run();
      await shards.flipShard(dir, siteId, m.move_cursor, JSON.stringify({ from: m.shard, t: 0, at: now } satisfies Cleaning)).run();
      forgetSite(siteId);
    }
    return "more";
  }

  const t = shards.SITE_TABLES[cur.t]!;
  if (!cur.prune) {
    // Copy (or, when switching, catch up): the source's rows after the cursor. The copy
    // takes a table as far as its last key when the pass began: rows keep arriving while
    // the site is live, and a busy site's new rows would otherwise keep the copy going for
    // ever. Those are the catch-up's, which runs behind the fence, where nothing arrives.
    let until = cur.until ?? null;
    if (m.move_state === "copying" && cur.after === null) {
      const last = await shards.lastKey(from, t, siteId).first<Record<string, unknown>>();
      if (!last) {
        await advance("copying", { t: cur.t + 1, after: null });
        return "more";
      }
      until = keyOf(t, last);
    }
    const rows = (await shards.readChunk(from, t, siteId, cur.after, CHUNK, until).all<Record<string, unknown>>()).results;
    // The target may still hold the fence of an earlier move away, which would refuse these rows.
    if (rows.length) await to.batch([shards.unfence(to, siteId), shards.writeRows(to, t, rows)]);
    const done = rows.length < CHUNK;
    const next: Cursor = done
      ? m.move_state === "switching"
        ? { t: cur.t, after: null, prune: true }
        : { t: cur.t + 1, after: null }
      : { t: cur.t, after: keyOf(t, rows[rows.length - 1]!), ...(until ? { until } : {}) };
    await advance(m.move_state, next);
    return "more";
  }
  // Prune (switching only): the target's rows the source no longer has.
  const keys = (await shards.keysOf(to, t, siteId, cur.after, CHUNK).all<Record<string, unknown>>()).results;
  if (keys.length) {
    const present = (await shards.existingKeys(from, t, keys).all<Record<string, unknown>>()).results;
    const have = new Set(present.map((r) => JSON.stringify(keyOf(t, r))));
    const gone = keys.filter((k) => !have.has(JSON.stringify(keyOf(t, k)))).map((k) => keyObject(t, k));
    if (gone.length) await to.batch([shards.unfence(to, siteId), shards.deleteKeys(to, t, gone)]);
  }
  const next: Cursor = keys.length < CHUNK ? { t: cur.t + 1, after: null } : { t: cur.t, after: keyOf(t, keys[keys.length - 1]!), prune: true };
  await advance("switching", next);
  return "more";
}

async function clean(env: ShardBindings, m: shards.MoveRow, now: number): Promise<StepResult> {
  const dir = directory(env);
  const c: Cleaning = JSON.parse(m.move_cursor!);
  if (now - c.at < CLEAN_AFTER_MS) return "wait";
  if (c.t >= shards.SITE_TABLES.length) {
    await shards.finishMove(dir, m.id).run();
    return "done";
  }
  const src = shardDb(env, c.from);
  const t = shards.SITE_TABLES[c.t]!;
  // The fence stays (no stale writer may write here) but lets the mover's deletes through.
  const [, res] = await src.batch([shards.openForCleaning(src, m.id), shards.deleteSiteChunk(src, t, m.id, CHUNK * 5)]);
  const next: Cleaning = (res!.meta.changes ?? 0) < CHUNK * 5 ? { ...c, t: c.t + 1 } : c;
  if (next !== c) await shards.advanceMove(dir, m.id, "cleaning", m.move_cursor, "cleaning", JSON.stringify(next)).run();
  return "more";
}

/** Drives every move in progress within a time budget (the cron's share). */
export async function runMoves(env: ShardBindings, budgetMs: number, clock: () => number = Date.now): Promise<number> {
  const start = clock();
  const pending = (await shards.pendingMoves(directory(env)).all<{ id: string }>()).results;
  let steps = 0;
  for (const p of pending)
    while (clock() - start < budgetMs) {
      const r = await moveStep(env, p.id, clock());
      steps++;
      if (r !== "more") break;
    }
  return steps;
}
