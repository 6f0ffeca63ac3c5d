// POST /v1/admin/sites (operator token): a new site and its keys, shown once.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { requireOperator } from "../http/auth";
import { readJson } from "../http/body";
import { parseOrThrow } from "../http/validate";
import * as z from "zod/mini";
import { text } from "../lib/zod";
import { createSite } from "../sites/sites";

// scheme://host[:port], no path; `*.` before the host allows its subdomains.
const ORIGIN = /^https?:\/\/(\*\.)?(([a-z0-9-]+\.)*[a-z0-9-]+|\[[0-9a-f:]+\])(:\d{1,5})?\/?$/i;
const origin = text(200, 1).check(
  z.refine((o) => ORIGIN.test(o), "must be an origin like https://shop.example (scheme, host, optional port; https://*.shop.example for subdomains)"),
);

const newSite = z.object({
  name: text(100, 1),
  origins: z.array(origin).check(z.maxLength(50)),
  rateLimits: z.optional(
    z.object({
      visitorPerMinute: z.optional(z.int().check(z.gte(1), z.lte(100_000))),
      sitePerMinute: z.optional(z.int().check(z.gte(1), z.lte(10_000_000))),
    }),
  ),
});

export const sitesRoutes = new Hono<AppEnv>();

sitesRoutes.post("/", requireOperator, async (c) => {
  const body = parseOrThrow(newSite, await readJson(c), "site");
  const created = await createSite(
    c.env.DB,
    {
      name: body.name,
      origins: body.origins,
      rateVisitorPerMin: body.rateLimits?.visitorPerMinute,
      rateSitePerMin: body.rateLimits?.sitePerMinute,
    },
    Date.now(),
  );
  return c.json(created, 201);
});
