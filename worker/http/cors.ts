// CORS for the public routes. Which origins are allowed depends on the site the
// request names (in its body or query), so the route marks the origin as allowed
// once it knows; this middleware then adds the headers, error responses included.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { normalizeOrigin, originAllowed } from "../sites/sites";
import { originListsFor } from "../store/sites";

export const corsHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const origin = c.get("corsOrigin");
  if (!origin) return;
  c.res.headers.set("Access-Control-Allow-Origin", origin);
  c.res.headers.append("Vary", "Origin");
};

/**
 * Preflight (`application/json` posts and GETs that carry the visitor in the
 * X-EdgeScore-Visitor header need one; the snippet's text/plain posts do not).
 * Allowed when the named site (`?site=pk_…`), or else any site, lists the origin.
 */
export const preflight: MiddlewareHandler<AppEnv> = async (c) => {
  const origin = c.req.header("origin");
  if (!origin) return c.body(null, 204);
  const pk = c.req.query("site");
  const o = normalizeOrigin(origin);
  const rows = await originListsFor(c.env.DB, o, pk ?? null);
  const ok = rows.some((r) => originAllowed({ origins: JSON.parse(r.origins) as string[] }, o));
  if (!ok) return c.body(null, 403);
  return c.body(null, 204, {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Headers": "Content-Type, X-EdgeScore-Visitor",
    "Access-Control-Max-Age": "86400",
    Vary: "Origin",
  });
};
