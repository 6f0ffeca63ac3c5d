import type { Site } from "./sites/sites";

// The Worker's bindings (wrangler.toml, secrets and .dev.vars).
export interface Bindings {
  DB: D1Database;
  ASSETS: Fetcher;
  /** Operator token for creating sites (a Worker secret; `.dev.vars` locally). */
  ADMIN_TOKEN?: string;
  /** "dev" allows http://localhost webhooks and relaxes nothing else. */
  ENVIRONMENT?: string;
}

export interface Variables {
  /** The site an admin request authenticated as (secret key). */
  site: Site;
  /** The request's Origin once it is known to be allowed: CORS headers go out. */
  corsOrigin: string;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
