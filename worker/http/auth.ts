// Who may call what: the operator token creates sites; a site's secret key
// (`Authorization: Bearer sk_…`) opens its /v1/admin routes. Public keys are
// checked by the public routes themselves (the key travels in body or query).
//
// The dashboard calls the admin routes in-process (worker/dashboard/api.ts) for a
// site its session has already authenticated. It holds no secret key, and a browser
// cookie must never double as an API bearer token, so the site rides on the Request
// object itself: `siteRequest()` builds the request and records its site in a
// module-private WeakMap; requireSecretKey accepts that entry for that exact object
// only. Nothing an outside client sends (header, cookie, body) can reach the map:
// the runtime makes a fresh Request for every incoming call and nobody registers it.
// There is no nonce or header to leak or guess, and entries die with their request.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { safeEqual } from "../lib/crypto";
import { siteBySecretKey, type Site } from "../sites/sites";
import { ApiError } from "./errors";
import { shardDb } from "../shards/shards";
import { clientKey } from "../abuse/client";
import { countFailedGuess, guessesRefused } from "../abuse/rate-limits";

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

const unauthorized = (message: string) => new ApiError(401, "unauthorized", message, undefined, { "WWW-Authenticate": "Bearer" });

/**
 * Wrong operator tokens are limited per client (abuse/rate-limits.ts): the
 * operator picks ADMIN_TOKEN, so it may be short enough to guess. Refuses a
 * client that guessed wrong too often (the right token included) and returns
 * what to call when this attempt turns out wrong too. Site keys are not counted:
 * 120 random bits need no such limit, and counting them would let a neighbour
 * on a shared address (a NAT, a cloud's egress) lock a site's integration out.
 */
async function guessGate(c: Context<AppEnv>): Promise<() => Promise<void>> {
  const now = Date.now();
  const client = await clientKey(c.env.DB, c.req.raw, "credentials", now);
  const refuse = (wait: number) => {
    if (wait) throw new ApiError(429, "rate_limited", `Too many wrong operator tokens; retry in ${wait} s.`, undefined, { "Retry-After": String(wait) });
  };
  refuse(client ? guessesRefused(client, now) : 0);
  return async () => refuse(client ? await countFailedGuess(c.env, client, now) : 0);
}

export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw unauthorized("The operator token (ADMIN_TOKEN) is not configured on this deployment.");
  const failed = await guessGate(c);
  if (!token || !safeEqual(token, expected)) {
    if (token) await failed();
    throw unauthorized("Send the operator token as `Authorization: Bearer <ADMIN_TOKEN>`.");
  }
  await next();
};

const inProcess = new WeakMap<Request, Site>();

/** A request to the admin API on behalf of `site`, for app.fetch/app.request in this isolate only. */
export function siteRequest(site: Site, url: string, init: RequestInit): Request {
  const req = new Request(url, init);
  inProcess.set(req, site);
  return req;
}

export const requireSecretKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const internal = inProcess.get(c.req.raw);
  if (internal) {
    c.set("site", internal);
    c.set("db", shardDb(c.env, internal.shard));
    c.set("siteId", internal.id);
    return next();
  }
  const token = bearer(c.req.header("authorization"));
  if (!token) throw unauthorized("Send the site's secret key as `Authorization: Bearer sk_…`.");
  const site = await siteBySecretKey(c.env.DB, token);
  if (!site) throw unauthorized("Unknown or revoked secret key.");
  c.set("site", site);
  c.set("db", shardDb(c.env, site.shard));
  c.set("siteId", site.id);
  await next();
};

/**
 * Routes about one site (`:id`): the operator token for any site, or the
 * site's own secret key (also the dashboard's in-process request). Another
 * site's key gets the same 404 as an unknown id: ids are not confirmed.
 */
export const requireOwnerOrOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = c.req.param("id");
  const token = bearer(c.req.header("authorization"));
  if (token && c.env.ADMIN_TOKEN && safeEqual(token, c.env.ADMIN_TOKEN)) {
    await guessGate(c);
    return next();
  }
  // Not a site key: a wrong operator token, counted as on the operator routes.
  if (token && c.env.ADMIN_TOKEN && !token.startsWith("sk_")) {
    await (await guessGate(c))();
    throw unauthorized("Send the operator token, or the site's secret key (`sk_…`).");
  }
  await requireSecretKey(c, async () => {
    if (c.get("site").id !== id) throw new ApiError(404, "not_found", "Site not found.");
    await next();
  });
};
