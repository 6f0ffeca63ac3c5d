// The dashboard's Hono environment: the app's bindings, plus what a signed-in
// request carries (the site, its secret key from the cookie, the CSRF token and
// the in-process client of the admin API).
import type { Bindings } from "../env";
import type { Site } from "../sites/sites";
import type { Api } from "./api";

export interface DashVariables {
  site: Site;
  /** The secret key from the cookie; never rendered, never logged. */
  key: string;
  csrf: string;
  api: Api;
}

export type DashEnv = { Bindings: Bindings; Variables: DashVariables };
