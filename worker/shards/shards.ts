// The D1 databases sites are sharded across: binding DB is shard 0 (it also
// holds the directory: sites, keys, and each site's shard), DB_1 … DB_15 are
// the others, as many as wrangler.toml binds. Every query of a request goes to
// its site's shard; background work (cron) walks every shard.

export const MAX_SHARDS = 16;

export type ShardBindings = { DB: D1Database } & Partial<Record<`DB_${number}`, D1Database>>;

/** The shards bound in this deployment, in order (0 = DB). */
export function allShards(env: ShardBindings): D1Database[] {
  const out = [env.DB];
  for (let i = 1; i < MAX_SHARDS; i++) {
    const db = env[`DB_${i}`];
    if (!db) break;
    out.push(db);
  }
  return out;
}

/** The database of shard `n`; an unbound shard is a configuration error. */
export function shardDb(env: ShardBindings, n: number): D1Database {
  const db = n === 0 ? env.DB : env[`DB_${n}`];
  if (!db) throw new Error(`shard ${n} is not bound (wrangler.toml needs a [[d1_databases]] binding DB_${n})`);
  return db;
}

/** The directory (sites and keys) lives in the first database. */
export const directory = (env: ShardBindings): D1Database => env.DB;

/** What alert delivery needs for a site on `db`: the alerts there, the secrets in the directory, the email binding. */
export const alertEnv = (
  env: ShardBindings & { ENVIRONMENT?: string | undefined; EMAIL?: SendEmail | undefined; ALERT_FROM?: string | undefined; PUBLIC_URL?: string | undefined },
  db: D1Database,
) => ({ DB: db, directory: env.DB, ENVIRONMENT: env.ENVIRONMENT, EMAIL: env.EMAIL, ALERT_FROM: env.ALERT_FROM, PUBLIC_URL: env.PUBLIC_URL });
