// The cron (every minute): background work that must not depend on traffic,
// on every shard. Each task has its own time budget, well inside the 30 s a
// cron invocation may run on the paid plan; the next minute's run picks up
// where this one stopped.
import type { Bindings } from "./env";
import { purgeSalts } from "./abuse/client";
import { deliverDue } from "./alerts/deliver";
import { sendDigests } from "./alerts/digest";
import { purgeExpiredSessions } from "./dashboard/sessions";
import { runRescoring } from "./models/rescore";
import { runRetention } from "./retention/retention";
import { promoSql } from "./promos/promos";
import { runMoves } from "./shards/move";
import { alertEnv, allShards, directory } from "./shards/shards";

const BUDGET_MS = 20_000;

export async function scheduled(env: Bindings, now: () => number = Date.now): Promise<void> {
  const shards = allShards(env);
  await Promise.all([
    // Site moves first in line: a switching site's writers are waiting.
    runMoves(env, BUDGET_MS, now),
    ...shards.map((db) => runRescoring(db, BUDGET_MS / shards.length, now)),
    ...shards.map((db) => deliverDue(alertEnv(env, db), { now, budgetMs: BUDGET_MS })),
    // Daily digests (issue 14): claimed per site, model and local day, so one run sends each.
    ...shards.map((db) => sendDigests(alertEnv(env, db), db, now())),
    runRetention(env, now, BUDGET_MS),
    forget(env, now()),
  ]);
}

/**
 * What is kept only for a while (raw events past a site's retention go in
 * runRetention): the daily salts (and so any link to an
 * address) and expired dashboard sessions in the directory, the promo grant
 * counters in every shard.
 */
async function forget(env: Bindings, now: number): Promise<void> {
  const dir = directory(env);
  await Promise.all([
    dir.batch([purgeSalts(dir, now)]),
    purgeExpiredSessions(dir, now),
    ...allShards(env).map((db) => db.batch([promoSql.purgeGrants(db, now)])),
  ]);
}
