// CORS for the public routes. Which origins are allowed depends on the site the
// request names (in its body or query), so the route marks the origin as allowed
// once it knows; this middleware then adds the headers, error responses included.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { normalizeOrigin, originAllowed } from "../sites/sites";
import { originListsFor } from "../store/sites";
import { errorBody } from "./errors";

/** Why an origin is refused, and how to allow it; the snippet prints it as is. */
export const originRefused = (origin: string | null | undefined) =>
  `Origin ${origin ? JSON.stringify(origin.slice(0, 200)) : "(none)"} is not in this site's allowed origins; they match exactly (scheme, host and port). Add it in the dashboard (Setup) or with PATCH /v1/admin/sites/:id {"origins": [...]}.`;

export const corsHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  // A refusal (unknown key, origin not allowed) is readable by the page that
  // caused it, so the snippet can print why (issue 15): it holds nothing but
  // the error, and curl could read it anyway. (A refused preflight stays a
// refusal: no grant, its body is for people reading the network panel.)
  const origin = c.get("corsOrigin") ?? ((c.res.status === 401 || c.res.status === 403) && c.req.method !== "OPTIONS" ? c.req.header("origin") : undefined);
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
  if (!ok) return c.json(errorBody("origin_not_allowed", originRefused(origin)), 403);
  return c.body(null, 204, {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Headers": "Content-Type, X-EdgeScore-Visitor",
    "Access-Control-Max-Age": "86400",
    Vary: "Origin",
  });
};
