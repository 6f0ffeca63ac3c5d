// POST /v1/admin/sites (operator token): a new site and its keys, shown once, with
// the settings other parts read from the start (catalog hosts, kept URL parameters).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { requireOperator } from "../http/auth";
import { readJson } from "../http/body";
import { parseOrThrow } from "../http/validate";
import * as z from "zod/mini";
import { text } from "../lib/zod";
import { createSite } from "../sites/sites";
import { MIN_SITE_PER_MIN, MIN_VISITOR_PER_MIN } from "../abuse/rate-limits";
import { leastLoadedShard } from "../shards/placement";
import { allShards } from "../shards/shards";
import { badRequest } from "../http/errors";

// scheme://host[:port], no path; `*.` before the host allows its subdomains.
const ORIGIN = /^https?:\/\/(\*\.)?(([a-z0-9-]+\.)*[a-z0-9-]+|\[[0-9a-f:]+\])(:\d{1,5})?\/?$/i;
export const origin = text(200, 1).check(
  z.refine((o) => ORIGIN.test(o), "must be an origin like https://shop.example (scheme, host, optional port; https://*.shop.example for subdomains)"),
);

// A DNS host name (labels of letters, digits and inner hyphens) or an IPv4 address;
// no scheme, port or path. Compared lower-cased, so stored lower-cased.
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
export const host = z.pipe(
  z.pipe(text(253, 1), z.transform((h: string) => h.toLowerCase())),
  z.string().check(z.refine((h) => HOST.test(h), "must be a host name like cdn.shop.example (no scheme, port or path)")),
);
const PARAM = /^[A-Za-z0-9_.-]{1,64}$/;
export const param = z.string().check(z.refine((p) => PARAM.test(p), "must be 1–64 letters, digits, _ . or -"));

/** What a site owner may set, at creation and later (PATCH /v1/admin/sites/:id): each field optional. */
export const settingFields = {
  name: text(100, 1),
  origins: z.array(origin).check(z.maxLength(50)),
  rateLimits: z.object({
    // The rate limiting binding counts these by sampling: a limit below the binding's own is not representable.
    visitorPerMinute: z.optional(z.int().check(z.gte(MIN_VISITOR_PER_MIN), z.lte(100_000))),
    sitePerMinute: z.optional(z.int().check(z.gte(MIN_SITE_PER_MIN), z.lte(10_000_000))),
  }),
  catalogHosts: z.array(host).check(z.maxLength(20)),
  keepParams: z.array(param).check(z.maxLength(20)),
  // Days raw events are kept (default 400); scores keep what they need beyond.
  retentionDays: z.int().check(z.gte(1), z.lte(3650)),
};

const newSite = z.object({
  name: settingFields.name,
  origins: settingFields.origins,
  rateLimits: z.optional(settingFields.rateLimits),
  catalogHosts: z.optional(settingFields.catalogHosts),
  keepParams: z.optional(settingFields.keepParams),
  // The operator may pin a site to a shard; otherwise it goes to the least loaded.
  shard: z.optional(z.int().check(z.gte(0), z.lte(15))),
  retentionDays: z.optional(settingFields.retentionDays),
});

export const sitesRoutes = new Hono<AppEnv>();

sitesRoutes.post("/", requireOperator, async (c) => {
  const body = parseOrThrow(newSite, await readJson(c), "site");
  const shards = allShards(c.env).length;
  if (body.shard !== undefined && body.shard >= shards) throw badRequest("The site is invalid; see issues.", [{ path: "shard", message: `no such shard (this deployment has ${shards})` }]);
  const created = await createSite(
    c.env.DB,
    {
      name: body.name,
      origins: body.origins,
      rateVisitorPerMin: body.rateLimits?.visitorPerMinute,
      rateSitePerMin: body.rateLimits?.sitePerMinute,
      catalogHosts: body.catalogHosts && [...new Set(body.catalogHosts)],
      keepParams: body.keepParams && [...new Set(body.keepParams)],
      shard: body.shard ?? (await leastLoadedShard(c.env)),
      retentionDays: body.retentionDays,
    },
    Date.now(),
  );
  // Issue 15: what the new site still needs, said where the owner looks first.
  const nextSteps = [
    `Paste the snippet into your pages: <script async src="${new URL(c.req.url).origin}/es.js" data-site="${created.publicKey}"></script>`,
    "Origins must match exactly (scheme, host and port): change them with PATCH /v1/admin/sites/:id or in the dashboard's Setup page.",
    "Leads are scored only once the site has a scoring model: PUT /v1/admin/models/:name, or start from a template in the dashboard (/dashboard/models/saas?template=saas, or shop, dealer).",
  ];
  return c.json({ ...created, nextSteps }, 201);
});
