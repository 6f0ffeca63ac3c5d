// Running statements against D1: one batch is one round trip and one
// transaction. Counts what each batch cost (round trips, rows read and
// written, D1 time) for the benchmarks, and carries the typed signal that a
// guarded write lost a race (WriteConflict): callers retry on that type,
// never on an error's text.

export interface D1Stats {
  roundTrips: number;
  rowsRead: number;
  rowsWritten: number;
  d1Ms: number;
  dbBytes: number;
  /** Requests that shared this request's write batch (group-commit.ts); 1: alone, 0: no write. */
  groupSize: number;
}

export const newStats = (): D1Stats => ({ roundTrips: 0, rowsRead: 0, rowsWritten: 0, d1Ms: 0, dbBytes: 0, groupSize: 0 });

/** Another request changed what this one read: nothing was written; read again and retry. */
export class WriteConflict extends Error {
  constructor() {
    super("write conflict: the data changed since it was read");
    this.name = "WriteConflict";
  }
}

/**
 * The site does not live in this shard (any more): it moved, or is switching
 * shards right now. Nothing was written; resolve the site's shard again.
 */
export class SiteMoved extends Error {
  constructor(readonly siteId: string) {
    super(`site ${siteId} is not in this shard`);
    this.name = "SiteMoved";
  }
}

export function countBatch(stats: D1Stats, results: D1Result[]): void {
  stats.roundTrips++;
  for (const r of results) {
    stats.rowsRead += r.meta.rows_read ?? 0;
    stats.rowsWritten += r.meta.rows_written ?? 0;
    stats.d1Ms += r.meta.duration ?? 0;
    stats.dbBytes = Math.max(stats.dbBytes, r.meta.size_after ?? 0);
  }
}

/** One batch (one round trip, one transaction), counted. */
export async function runBatch(db: D1Database, stmts: D1PreparedStatement[], stats: D1Stats): Promise<D1Result[]> {
  const results = await db.batch(stmts);
  countBatch(stats, results);
  return results;
}

/** The rows of a batch result, typed by the statement that produced them. */
export const rowsOf = <T>(r: D1Result | undefined): T[] => (r?.results ?? []) as T[];

/** A statement that reads nothing: keeps a batch's positions fixed when a read is not needed. */
export const noop = (db: D1Database) => db.prepare("SELECT NULL WHERE 0");
