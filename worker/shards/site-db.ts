// Runs a site's work on the site's shard. When the shard turns out not to be
// the site's (the write hit a fence: the site moved, or is switching right
// now), the directory is asked again — not this isolate's cached site — and
// the work is retried there, waiting while the switch runs (it takes a moment:
// the catch-up of what was written during the copy).
import { ApiError } from "../http/errors";
import { forgetSite } from "../sites/sites";
import { SiteMoved } from "../store/batch";
import { siteShard, type MoveRow } from "../store/shards";
import { directory, shardDb, type ShardBindings } from "./shards";

const WAIT_MS = 50;
const MAX_WAIT_MS = 20_000;

/** 503 for a write that met the site's fence: the site is switching shards, which takes a moment. */
export const siteMoving = () => new ApiError(503, "site_moving", "The site is switching databases; retry in a second.", undefined, { "Retry-After": "1" });

export async function onSiteShard<T>(env: ShardBindings, site: { id: string; shard: number }, work: (db: D1Database) => Promise<T>): Promise<T> {
  let shard = site.shard;
  const started = Date.now();
  for (;;) {
    try {
      return await work(shardDb(env, shard));
    } catch (err) {
      if (!(err instanceof SiteMoved)) throw err;
    }
    forgetSite(site.id);
    for (;;) {
      const row = await siteShard(directory(env), site.id).first<MoveRow>();
      if (!row) throw new ApiError(404, "not_found", "The site no longer exists.");
      if (row.move_state !== "switching") {
        shard = row.shard;
        break;
      }
      if (Date.now() - started > MAX_WAIT_MS)
        throw siteMoving();
      await new Promise((r) => setTimeout(r, WAIT_MS));
    }
  }
}
