// The Worker's bindings (wrangler.toml, secrets and .dev.vars).
export interface Bindings {
  DB: D1Database;
  ASSETS: Fetcher;
  /** Operator token for creating sites (a Worker secret; `.dev.vars` locally). */
  ADMIN_TOKEN: string;
  /** "dev" allows http://localhost webhooks and relaxes nothing else. */
  ENVIRONMENT?: string;
}
