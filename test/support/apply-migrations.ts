import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs before each test file: every file gets its own isolated D1 with the
// real migrations from db/migrations applied (idempotent).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
