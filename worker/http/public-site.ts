// The checks every public route makes (SPEC §8): a known public key, an
// allowed origin (then CORS headers go out), and the request limits, keyed on
// what the client cannot choose (abuse/rate-limits.ts).
import type { Context } from "hono";
import { clientKey } from "../abuse/client";
import { checkLimits } from "../abuse/rate-limits";
import { shardDb } from "../shards/shards";
import type { AppEnv } from "../env";
import { originAllowed, siteByPublicKey, type Site } from "../sites/sites";
import { originRefused } from "./cors";
import { ApiError } from "./errors";

export async function publicSite(c: Context<AppEnv>, publicKey: string, visitor: string, now: number): Promise<Site> {
  const site = await siteByPublicKey(c.env.DB, publicKey, now);
  if (!site) throw new ApiError(401, "unknown_key", "Unknown site key: check data-site on the script tag.");
  const origin = c.req.header("origin") ?? originOfReferer(c.req.header("referer"));
  if (!originAllowed(site, origin)) throw new ApiError(403, "origin_not_allowed", originRefused(origin));
  c.set("corsOrigin", origin!);
  c.set("db", shardDb(c.env, site.shard));
  c.set("siteId", site.id);
  const client = await clientKey(c.env.DB, c.req.raw, site.id, now);
  c.set("client", client);
  const wait = await checkLimits(
    c.env,
    { siteId: site.id, sitePerMin: site.rateSitePerMin, visitorPerMin: site.rateVisitorPerMin, client, visitor },
    now,
  );
  if (wait) throw new ApiError(429, "rate_limited", `Too many requests; retry in ${wait} s.`, undefined, { "Retry-After": String(wait) });
  return site;
}

function originOfReferer(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/** Country from Cloudflare's request metadata; the IP address itself is never stored. */
export function countryOf(req: Request): string | null {
  const cf = (req as Request & { cf?: { country?: unknown } }).cf;
  return typeof cf?.country === "string" ? cf.country : null;
}
