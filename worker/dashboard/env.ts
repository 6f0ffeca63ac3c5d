// The dashboard's Hono environment: the app's bindings, plus what a signed-in
// request carries (the site, its session, the session's CSRF token and the
// in-process client of the admin API).
import type { Bindings } from "../env";
import type { Site } from "../sites/sites";
import type { Api } from "./api";

export interface DashVariables {
  site: Site;
  /** SHA-256 of the session id (the row's key), for signing out. */
  session: string;
  csrf: string;
  api: Api;
}

export type DashEnv = { Bindings: Bindings; Variables: DashVariables };
