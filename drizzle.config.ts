import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations that wrangler applies
// (`wrangler d1 migrations apply`); wrangler ignores the meta/ folder.
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
