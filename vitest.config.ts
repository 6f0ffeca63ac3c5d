import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { webhookReceiver } from "./test/support/webhook-receiver";

// The module swaps the deployed Worker gets from wrangler.toml [alias] (mimetext's Babel
// runtime → native one-liners, worker/shims/): the tests run the code that ships.
const SHIMS = {
  "@babel/runtime-corejs3/helpers/esm/defineProperty": fileURLToPath(new URL("./worker/shims/babel-define-property.ts", import.meta.url)),
  "@babel/runtime-corejs3/core-js/instance/trim": fileURLToPath(new URL("./worker/shims/babel-instance-trim.ts", import.meta.url)),
  "js-base64": fileURLToPath(new URL("./worker/shims/js-base64.ts", import.meta.url)),
};

// Three projects: `worker` runs inside workerd against a real local D1 with the
// real migrations, `worker-queue` the same in queue ingest mode; `node` runs the
// snippet's unit tests (DOM) and the browser tests (real Chromium against
// `wrangler dev`).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./db/migrations");
  const workerProject = (name: string, include: string[], environment?: string) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml", ...(environment ? { environment } : {}) },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            ENVIRONMENT: "dev",
            // Links to a lead in alert messages (issue 14).
            PUBLIC_URL: "https://edgescore.test",
            // Size of test/worker/load.test.ts (events) and its concurrency.
            LOAD_EVENTS: process.env.LOAD_EVENTS ?? "20000",
            LOAD_CONCURRENCY: process.env.LOAD_CONCURRENCY ?? "16",
          },
          // The Worker's outbound fetches (alert webhooks) go to a real receiver in Node.
          outboundService: webhookReceiver,
        },
      }),
    ],
    resolve: { alias: SHIMS },
    // A generous per-test timeout: a shared 2-core machine can stall a D1-heavy test for seconds; speed is measured by the benches.
    test: { name, include, setupFiles: ["./test/support/apply-migrations.ts"], testTimeout: 30_000 },
  });
  return {
    test: {
      projects: [
        workerProject("worker", ["test/worker/**/*.test.ts", "worker/**/*.test.ts"]),
        // The same Worker in queue ingest mode (wrangler.toml [env.queue]).
        workerProject("worker-queue", ["test/worker-queue/**/*.test.ts"], "queue"),
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts", "test/sdk/**/*.test.ts", "test/browser/**/*.test.ts", "sdk/**/*.test.ts"],
            environment: "node",
            testTimeout: 30_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
