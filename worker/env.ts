import type { Limiter } from "./abuse/rate-limits";
import type { IngestMessage } from "./queue/ingest-queue";
import type { Site } from "./sites/sites";

// The Worker's bindings (wrangler.toml, secrets and .dev.vars).
export interface Bindings {
  /** Shard 0, and the directory (sites, keys, the shard of each site): worker/shards/shards.ts. */
  DB: D1Database;
  /** Further shards (wrangler.toml binds DB_1 … DB_15 as the deployment grows). */
  [shard: `DB_${number}`]: D1Database | undefined;
  ASSETS: Fetcher;
  /** Operator token for creating sites (a Worker secret; `.dev.vars` locally). */
  ADMIN_TOKEN?: string;
  /** "dev" allows http://localhost webhooks and relaxes nothing else. */
  ENVIRONMENT?: string;
  /** "direct" (default): /v1/collect writes to D1 itself; "queue": it enqueues and the consumer writes. */
  INGEST_MODE?: string;
  /** The ingest queue (queue mode only; `[env.queue]` in wrangler.toml). */
  INGEST_QUEUE?: Queue<IngestMessage>;
  /** Workers Rate Limiting bindings (wrangler.toml `[[ratelimits]]`; see abuse/rate-limits.ts). */
  RL_CLIENT?: Limiter;
  RL_SITE?: Limiter;
  RL_VISITOR?: Limiter;
  /** Wrong operator tokens per client (abuse/rate-limits.ts countFailedGuess). */
  RL_AUTH?: Limiter;
  /** Alert emails (issue 14): wrangler.toml `[[send_email]]`, Cloudflare Email Routing. */
  EMAIL?: SendEmail;
  /** The sender of alert emails, an address on a domain with Email Routing. */
  ALERT_FROM?: string;
  /** The Worker's public address, for links to a lead in alert messages (none when unset). */
  PUBLIC_URL?: string;
  /** Local dev only (`npm start`): the demo sites' keys as JSON, for the landing page's demo links. */
  DEMO_KEYS?: string;
}

export interface Variables {
  /** The site an admin request authenticated as (secret key). */
  site: Site;
  /** The request's Origin once it is known to be allowed: CORS headers go out. */
  corsOrigin: string;
  /** The D1 database of the request's site (its shard: worker/shards/shards.ts). */
  db: D1Database;
  /** The site whose shard `db` is (admin and public routes alike). */
  siteId: string;
  /** The connecting client's salted daily hash (abuse/client.ts), null when unknown. */
  client: string | null;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
