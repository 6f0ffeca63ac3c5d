// Who may call what: the operator token creates sites; a site's secret key
// (`Authorization: Bearer sk_…`) opens its /v1/admin routes. Public keys are
// checked by the public routes themselves (the key travels in body or query).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { safeEqual } from "../lib/crypto";
import { siteBySecretKey } from "../sites/sites";
import { ApiError } from "./errors";

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

const unauthorized = (message: string) => new ApiError(401, "unauthorized", message, undefined, { "WWW-Authenticate": "Bearer" });

export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw unauthorized("The operator token (ADMIN_TOKEN) is not configured on this deployment.");
  if (!token || !safeEqual(token, expected)) throw unauthorized("Send the operator token as `Authorization: Bearer <ADMIN_TOKEN>`.");
  await next();
};

export const requireSecretKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw unauthorized("Send the site's secret key as `Authorization: Bearer sk_…`.");
  const site = await siteBySecretKey(c.env.DB, token);
  if (!site) throw unauthorized("Unknown or revoked secret key.");
  c.set("site", site);
  await next();
};
