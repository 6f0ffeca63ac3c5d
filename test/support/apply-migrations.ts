import { beforeEach } from "vitest";
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs before each test file: every file gets its own isolated D1 with the
// real migrations from db/migrations applied (idempotent).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Storage is isolated per test file, not per test: start each test from empty tables.
const TABLES = ["sites", "models", "model_versions", "leads", "visitors", "sessions", "events", "lead_scores", "alerts", "promo_codes", "products", "co_views", "conversions"];
beforeEach(async () => {
  await env.DB.batch(TABLES.map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});
