import { beforeEach } from "vitest";
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { allShards } from "../../worker/shards/shards";

// Runs before each test file: every file gets its own isolated D1 databases (one
// per shard, two in tests) with the real migrations from db/migrations applied.
const shards = allShards(env);
for (const db of shards) await applyD1Migrations(db, env.TEST_MIGRATIONS);

// Storage is isolated per test file, not per test: start each test from empty tables.
// site_fences first: a fence left by a test would refuse the deletes after it (migration 0011).
const TABLES = [
  "site_fences", "sites", "models", "model_versions", "leads", "visitors", "sessions", "events", "lead_scores", "alerts",
  "promo_codes", "promo_grants", "products", "co_views", "conversions", "dashboard_sessions", "daily_salts",
];
beforeEach(async () => {
  await Promise.all(shards.map((db) => db.batch(TABLES.map((t) => db.prepare(`DELETE FROM ${t}`)))));
});
