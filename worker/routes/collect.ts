// POST /v1/collect: the snippet's beacon (SPEC §3). Thin: parse, authorize, ingest.
import { Hono } from "hono";
import { drizzle } from "drizzle-orm/d1";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { corsHeaders, preflight } from "../http/cors";
import { ApiError } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { hintsFrom } from "../hints/hints";
import { ingest } from "../ingest/ingest";
import { collectSchema, MAX_EVENTS } from "../ingest/schema";
import { limiter } from "../lib/rate-limit";
import { originAllowed, siteByPublicKey, type Site } from "../sites/sites";

export const collect = new Hono<AppEnv>();

collect.use("*", corsHeaders);
collect.options("/", preflight);

collect.post("/", async (c) => {
  const now = Date.now();
  const raw = await readJson(c);
  const n = (raw as { events?: unknown } | null)?.events;
  if (Array.isArray(n) && n.length > MAX_EVENTS)
    throw new ApiError(413, "too_many_events", `At most ${MAX_EVENTS} events per request; got ${n.length}.`);
  const body = parseOrThrow(collectSchema, raw, "collect body");

  const site = await siteByPublicKey(drizzle(c.env.DB), body.site, now);
  if (!site) throw new ApiError(401, "unknown_key", "Unknown site key: check data-site on the script tag.");
  const origin = c.req.header("origin") ?? originOfReferer(c.req.header("referer"));
  if (!originAllowed(site, origin))
    throw new ApiError(403, "origin_not_allowed", "This origin is not in the site's allowed origins.");
  c.set("corsOrigin", origin!);
  checkRate(site, body.visitor, now);

  const out = await ingest(c.env.DB, {
    site,
    source: "browser",
    visitor: body.visitor,
    email: null,
    session: body.session,
    events: body.events,
    traits: body.traits,
    country: countryOf(c.req.raw),
    now,
  });
  if (c.env.ENVIRONMENT === "dev") c.header("X-EdgeScore-D1", d1Stats(out.stats));
  return c.json({ accepted: out.accepted, duplicates: out.duplicates, hints: hintsFrom(out.outcomes[0]) });
});

/** Dev only: what the request cost in D1, for `npm run bench`. */
export function d1Stats(s: { roundTrips: number; rowsRead: number; rowsWritten: number; attempts: number }): string {
  return `rt=${s.roundTrips}; read=${s.rowsRead}; written=${s.rowsWritten}; attempts=${s.attempts}`;
}

export function checkRate(site: Site, visitor: string, now: number) {
  const wait =
    limiter.hit(`s:${site.id}`, site.rateSitePerMin, now) || limiter.hit(`v:${site.id}:${visitor}`, site.rateVisitorPerMin, now);
  if (wait) throw new ApiError(429, "rate_limited", `Too many requests; retry in ${wait} s.`, undefined, { "Retry-After": String(wait) });
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
