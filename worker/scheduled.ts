// The cron (every minute): background work that must not depend on traffic.
import type { Bindings } from "./env";
import { purgeSalts } from "./abuse/client";
import { deliverDue } from "./alerts/deliver";
import { runRescoring } from "./models/rescore";
import { promoSql } from "./promos/promos";
import { purgeExpiredSessions } from "./dashboard/sessions";

// Well inside the 30 s a cron invocation may run on the paid plan; the next
// minute's run picks up where this one stopped.
const RESCORE_BUDGET_MS = 20_000;

export async function scheduled(env: Bindings, now: () => number = Date.now): Promise<void> {
  // Alert retries (worker/alerts/deliver.ts) run beside rescoring, each within its own budget.
  await Promise.all([runRescoring(env.DB, RESCORE_BUDGET_MS, now), deliverDue(env, { now, budgetMs: RESCORE_BUDGET_MS }), forget(env.DB, now())]);
}

/**
 * What is kept only for a while: the daily salts (and so any link to an
 * address), the promo grant counters, expired dashboard sessions.
 */
async function forget(db: D1Database, now: number): Promise<void> {
  await Promise.all([db.batch([purgeSalts(db, now), promoSql.purgeGrants(db, now)]), purgeExpiredSessions(db, now)]);
}
