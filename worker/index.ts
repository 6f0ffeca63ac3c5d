import { createApp } from "./app";
import type { Bindings } from "./env";
import { consumeIngest, type IngestMessage } from "./queue/ingest-queue";
import { scheduled } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (_controller, env, ctx) => ctx.waitUntil(scheduled(env)),
  queue: (batch, env, _ctx) => consumeIngest(batch, env),
} satisfies ExportedHandler<Bindings, IngestMessage>;
