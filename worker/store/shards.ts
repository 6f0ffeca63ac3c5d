// SQL of sharding: the directory (which shard a site lives on, a move in
// progress, how loaded each shard is) and the generic, chunked copy of one
// site's rows of one table between shards. The table list is checked against
// db/schema.ts by test/worker/shards.test.ts, so a new table cannot be left
// behind by a move.

/** Every table holding a site's data (all have site_id), with its primary key columns. */
export const SITE_TABLES: readonly { table: string; pk: readonly string[] }[] = [
  { table: "models", pk: ["site_id", "name"] },
  { table: "model_versions", pk: ["site_id", "name", "version"] },
  { table: "leads", pk: ["id"] },
  { table: "visitors", pk: ["site_id", "id"] },
  { table: "sessions", pk: ["site_id", "id"] },
  { table: "events", pk: ["site_id", "id"] },
  { table: "lead_scores", pk: ["lead_id", "model"] },
  { table: "alerts", pk: ["id"] },
  { table: "promo_codes", pk: ["site_id", "model", "promo_id", "code"] },
  { table: "promo_grants", pk: ["site_id", "model", "promo_id", "client", "day"] },
  { table: "products", pk: ["site_id", "id"] },
  { table: "co_views", pk: ["site_id", "a", "b"] },
  { table: "conversions", pk: ["id"] },
];

export type SiteTable = (typeof SITE_TABLES)[number];

const tuple = (cols: readonly string[]) => `(${cols.join(", ")})`;

/**
 * One chunk of a site's rows of a table, in primary-key order, after `after` (a key
 * tuple, or null for the start) and, with `until`, up to that key at most.
 */
export function readChunk(db: D1Database, t: SiteTable, siteId: string, after: unknown[] | null, limit: number, until: unknown[] | null = null) {
  const from = after ? after.map((_, i) => `?${i + 3}`) : [];
  const to = until ? until.map((_, i) => `?${i + 3 + from.length}`) : [];
  return db
    .prepare(
      `SELECT * FROM ${t.table} WHERE site_id = ?1 ${after ? `AND ${tuple(t.pk)} > (${from.join(", ")})` : ""} ${until ? `AND ${tuple(t.pk)} <= (${to.join(", ")})` : ""}
       ORDER BY ${t.pk.join(", ")} LIMIT ?2`,
    )
    .bind(siteId, limit, ...(after ?? []), ...(until ?? []));
}

/** The key of a site's last row of a table in primary-key order (none when it has no rows). */
export function lastKey(db: D1Database, t: SiteTable, siteId: string) {
  return db.prepare(`SELECT ${t.pk.join(", ")} FROM ${t.table} WHERE site_id = ?1 ORDER BY ${t.pk.map((c) => `${c} DESC`).join(", ")} LIMIT 1`).bind(siteId);
}

/** Writes rows as they are (INSERT OR REPLACE: a row copied twice is copied once). One bound JSON array. */
export function writeRows(db: D1Database, t: SiteTable, rows: Record<string, unknown>[]) {
  const cols = Object.keys(rows[0]!);
  return db
    .prepare(`INSERT OR REPLACE INTO ${t.table} (${cols.join(", ")}) SELECT ${cols.map((c) => `x->>'$.${c}'`).join(", ")} FROM (SELECT value AS x FROM json_each(?1))`)
    .bind(JSON.stringify(rows));
}

/** The primary keys of a site's rows of a table (the catch-up compares them across shards). */
export function keysOf(db: D1Database, t: SiteTable, siteId: string, after: unknown[] | null, limit: number) {
  const params = after ? after.map((_, i) => `?${i + 3}`) : [];
  return db
    .prepare(`SELECT ${t.pk.join(", ")} FROM ${t.table} WHERE site_id = ?1 ${after ? `AND ${tuple(t.pk)} > (${params.join(", ")})` : ""} ORDER BY ${t.pk.join(", ")} LIMIT ?2`)
    .bind(siteId, limit, ...(after ?? []));
}

/** Deletes rows by primary key (one bound JSON array of key objects). */
export function deleteKeys(db: D1Database, t: SiteTable, keys: Record<string, unknown>[]) {
  return db
    .prepare(`DELETE FROM ${t.table} WHERE ${tuple(t.pk)} IN (SELECT ${t.pk.map((c) => `x->>'$.${c}'`).join(", ")} FROM (SELECT value AS x FROM json_each(?1)))`)
    .bind(JSON.stringify(keys));
}

/** Deletes up to `limit` of a site's rows of a table (cleaning the shard it left). */
export function deleteSiteChunk(db: D1Database, t: SiteTable, siteId: string, limit: number) {
  return db
    .prepare(`DELETE FROM ${t.table} WHERE ${tuple(t.pk)} IN (SELECT ${t.pk.join(", ")} FROM ${t.table} WHERE site_id = ?1 LIMIT ?2)`)
    .bind(siteId, limit);
}

export const fence = (db: D1Database, siteId: string, now: number) =>
  db.prepare("INSERT OR IGNORE INTO site_fences (site_id, fenced_at) VALUES (?1, ?2)").bind(siteId, now);
export const unfence = (db: D1Database, siteId: string) => db.prepare("DELETE FROM site_fences WHERE site_id = ?1").bind(siteId);
/** Lets the mover delete a fenced site's rows (inserts and updates stay refused). */
export const openForCleaning = (db: D1Database, siteId: string) => db.prepare("UPDATE site_fences SET cleaning = 1 WHERE site_id = ?1").bind(siteId);

// ---- the directory (the first database) ----

export interface MoveRow {
  id: string;
  shard: number;
  move_to: number | null;
  move_state: string | null;
  move_cursor: string | null;
}

export const siteShard = (dir: D1Database, siteId: string) =>
  dir.prepare("SELECT id, shard, move_to, move_state, move_cursor FROM sites WHERE id = ?1").bind(siteId);

/** Sites per shard: new sites go to the least loaded one. */
export const sitesPerShard = (dir: D1Database) => dir.prepare("SELECT shard, count(*) AS n FROM sites GROUP BY shard");

/** Starts a move unless one is running (the condition makes two starts agree on one). */
export const startMove = (dir: D1Database, siteId: string, to: number) =>
  dir
    .prepare("UPDATE sites SET move_to = ?2, move_state = 'copying', move_cursor = NULL WHERE id = ?1 AND move_state IS NULL AND shard <> ?2")
    .bind(siteId, to);

/** Moves the state machine on, only from the phase and position the caller read (two drivers never both advance it). */
export const advanceMove = (dir: D1Database, siteId: string, fromState: string, fromCursor: string | null, state: string | null, cursor: string | null) =>
  dir
    .prepare("UPDATE sites SET move_state = ?4, move_cursor = ?5 WHERE id = ?1 AND move_state = ?2 AND move_cursor IS ?3")
    .bind(siteId, fromState, fromCursor, state, cursor);

/** The switch: the site's home becomes the target shard; `cleaning` (which names the source) follows. */
export const flipShard = (dir: D1Database, siteId: string, fromCursor: string | null, cleaning: string) =>
  dir
    .prepare("UPDATE sites SET shard = move_to, move_state = 'cleaning', move_cursor = ?3 WHERE id = ?1 AND move_state = 'switching' AND move_cursor IS ?2")
    .bind(siteId, fromCursor, cleaning);

export const finishMove = (dir: D1Database, siteId: string) =>
  dir.prepare("UPDATE sites SET move_to = NULL, move_state = NULL, move_cursor = NULL WHERE id = ?1 AND move_state = 'cleaning'").bind(siteId);

export const pendingMoves = (dir: D1Database) => dir.prepare("SELECT id FROM sites WHERE move_state IS NOT NULL LIMIT 20");

/** Which of `keys` exist (the catch-up drops rows the source no longer has). */
export function existingKeys(db: D1Database, t: SiteTable, keys: Record<string, unknown>[]) {
  return db
    .prepare(`SELECT ${t.pk.join(", ")} FROM ${t.table} WHERE ${tuple(t.pk)} IN (SELECT ${t.pk.map((c) => `x->>'$.${c}'`).join(", ")} FROM (SELECT value AS x FROM json_each(?1)))`)
    .bind(JSON.stringify(keys));
}
