// /v1/hints and /v1/recommendations (public key, allowed origins).
// The visitor id is the only credential a browser holds for its hints and promo
// code, so it never travels in a URL (server logs, proxies, Referer headers,
// browser history): POST it in the body (JSON; text/plain accepted, so no
// preflight), or GET with it in the X-EdgeScore-Visitor header. A request whose
// query names a visitor is refused (400 visitor_in_url).
import { Hono, type Context } from "hono";
import { etag } from "hono/etag";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { corsHeaders, preflight } from "../http/cors";
import { ApiError } from "../http/errors";
import { publicSite } from "../http/public-site";
import { parseOrThrow } from "../http/validate";
import { COLD } from "../hints/hints";
import { readHints } from "../hints/read-hints";
import { text } from "../lib/zod";
import { recommend } from "../recommend/recommend";
import { visitorLead } from "../store/leads/queries";

export const publicRoutes = new Hono<AppEnv>();

export const VISITOR_HEADER = "X-EdgeScore-Visitor";
const MAX_COUNT = 20;

// Counts above the maximum are clamped, not refused: a page asking for 50
// recommendations gets 20 rather than none.
const queryCount = z.optional(
  z.pipe(z.string().check(z.regex(/^\d{1,4}$/, "must be a whole number")), z.transform((s: string) => Math.min(+s, MAX_COUNT))),
);
const bodyCount = z.optional(z.pipe(z.int().check(z.gte(0)), z.transform((n: number) => Math.min(n, MAX_COUNT))));

const querySchema = z.object({
  site: text(64, 1),
  product: z.optional(text(128, 1)),
  limit: queryCount,
  recommend: queryCount,
});
const bodySchema = z.object({
  site: text(64, 1),
  visitor: z.optional(text(128, 1)),
  product: z.optional(text(128, 1)),
  limit: bodyCount,
  recommend: bodyCount,
});
const visitorHeader = z.optional(text(128, 1));

interface ReadRequest {
  site: string;
  visitor: string | null;
  product: string | null;
  limit: number | undefined;
  recommend: number | undefined;
}

async function readRequest(c: Context<AppEnv>): Promise<ReadRequest> {
  if (c.req.method === "POST") {
    const b = parseOrThrow(bodySchema, await readJson(c), "body");
    return { site: b.site, visitor: b.visitor ?? null, product: b.product ?? null, limit: b.limit, recommend: b.recommend };
  }
  const q = parseOrThrow(querySchema, c.req.query(), "query");
  const h = parseOrThrow(z.object({ [VISITOR_HEADER]: visitorHeader }), { [VISITOR_HEADER]: c.req.header(VISITOR_HEADER) }, "request");
  return { site: q.site, visitor: h[VISITOR_HEADER] ?? null, product: q.product ?? null, limit: q.limit, recommend: q.recommend };
}

/**
 * The site, origin and limits are checked first (publicSite), so this refusal
 * carries CORS headers and the page's developer can read it.
 */
function refuseVisitorInUrl(c: Context<AppEnv>): void {
  if (c.req.query("visitor") !== undefined)
    throw new ApiError(
      400,
      "visitor_in_url",
      `The visitor id must not be in the URL: send it in the ${VISITOR_HEADER} header, or POST {"site","visitor"} as the body.`,
    );
}

// A response that depends on the visitor is private and revalidated on every
// use; every response of these URLs varies on the visitor header, so a shared
// cache never answers a visitor with an anonymous copy (corsHeaders adds Origin).
const cacheHeaders = (c: Context<AppEnv>, personal: boolean) => {
  c.header("Cache-Control", personal ? "private, no-cache" : "public, max-age=60");
  c.header("Vary", VISITOR_HEADER);
};

publicRoutes.options("/hints", preflight);
publicRoutes.options("/recommendations", preflight);

// Answered 304 while nothing changed (hono/etag: a digest of the body, GET only):
// cheap for the browser, and never a stale promo after a tier change. Inside
// corsHeaders, so the 304 carries the CORS headers a page needs to read it.
publicRoutes.on(["GET", "POST"], "/hints", corsHeaders, etag(), async (c) => {
  const now = Date.now();
  const r = await readRequest(c);
  const site = await publicSite(c, r.site, r.visitor ?? "", now);
  refuseVisitorInUrl(c);
  const hints = r.visitor
    ? await readHints(c.var.db, site.id, r.visitor, { recommend: r.recommend ?? 0, product: r.product }, now, { kind: "browser", client: c.get("client") })
    : null;
  // Hints are personal even when cold (a promo may come with the next request), so never shared.
  cacheHeaders(c, true);
  return c.json(hints ?? COLD);
});

publicRoutes.on(["GET", "POST"], "/recommendations", corsHeaders, async (c) => {
  const now = Date.now();
  const r = await readRequest(c);
  const site = await publicSite(c, r.site, r.visitor ?? "", now);
  refuseVisitorInUrl(c);
  const lead = r.visitor
    ? await visitorLead(c.var.db, site.id, r.visitor)
    : null;
  const items = await recommend(c.var.db, site.id, lead?.lead_id ?? null, r.product, r.limit || 4);
  cacheHeaders(c, r.visitor !== null);
  return c.json({ items });
});
