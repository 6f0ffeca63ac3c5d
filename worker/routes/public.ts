// GET /v1/hints and GET /v1/recommendations (public key, allowed origins).
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { corsHeaders } from "../http/cors";
import { publicSite } from "../http/public-site";
import { parseOrThrow } from "../http/validate";
import { COLD } from "../hints/hints";
import { readHints } from "../hints/read-hints";
import { text } from "../lib/zod";
import { sha256Hex } from "../lib/crypto";
import { recommend } from "../recommend/recommend";

export const publicRoutes = new Hono<AppEnv>();

// Counts above the maximum are clamped, not refused: a page asking for 50
// recommendations gets 20 rather than none.
const count = (max: number) =>
  z.optional(z.pipe(z.string().check(z.regex(/^\d{1,4}$/, "must be a whole number")), z.transform((s: string) => String(Math.min(+s, max)))));
const query = z.object({
  site: text(64, 1),
  visitor: z.optional(text(128, 1)),
  product: z.optional(text(128, 1)),
  limit: count(20),
  recommend: count(20),
});

publicRoutes.get("/hints", corsHeaders, async (c) => {
  const now = Date.now();
  const q = parseOrThrow(query, c.req.query(), "query");
  const site = await publicSite(c, q.site, q.visitor ?? "", now);
  const hints = q.visitor
    ? await readHints(c.env.DB, site.id, q.visitor, { recommend: Number(q.recommend ?? 0), product: q.product ?? null }, now)
    : null;
  const body = JSON.stringify(hints ?? COLD);
  // Revalidated on every use (no-cache) but answered 304 while nothing changed:
  // cheap for the browser, and never a stale promo after a tier change.
  const etag = `"${(await sha256Hex(body)).slice(0, 27)}"`;
  c.header("Cache-Control", "private, no-cache");
  c.header("ETag", etag);
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  return c.body(body, 200, { "Content-Type": "application/json" });
});

publicRoutes.get("/recommendations", corsHeaders, async (c) => {
  const now = Date.now();
  const q = parseOrThrow(query, c.req.query(), "query");
  const site = await publicSite(c, q.site, q.visitor ?? "", now);
  const lead = q.visitor
    ? await c.env.DB.prepare("SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2").bind(site.id, q.visitor).first<{ lead_id: string }>()
    : null;
  const items = await recommend(c.env.DB, site.id, lead?.lead_id ?? null, q.product ?? null, Number(q.limit ?? 4) || 4);
  c.header("Cache-Control", "private, max-age=60");
  return c.json({ items });
});
