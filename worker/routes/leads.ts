// /v1/admin/leads: ranked list and the "why this score" breakdown.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { leadDetail } from "../leads/detail";
import { listLeads, loadSiteModels } from "../leads/list";
import * as z from "zod/mini";
import { text } from "../lib/zod";
import { eraseLead } from "../report/erase";
import { readJson } from "../http/body";
import { mergeClaim, type MergeResult } from "../leads/merge";
import { deliverAlerts } from "../alerts/deliver";
import { alertEnv } from "../shards/shards";
import { onSiteShard } from "../shards/site-db";

export const leadsRoutes = new Hono<AppEnv>();

const listQuery = z.object({
  model: z.optional(text(64, 1)),
  tier: z.optional(text(64, 1)),
  q: z.optional(text(200, 1)),
  limit: z.optional(z.string().check(z.refine((s) => /^\d{1,3}$/.test(s) && +s >= 1 && +s <= 500, "must be an integer from 1 to 500"))),
  cursor: z.optional(text(500, 1)),
});

leadsRoutes.get("/", async (c) => {
  const site = c.get("site");
  const query = parseOrThrow(listQuery, c.req.query(), "query");
  const models = await loadSiteModels(c.var.db, site.id);
  const sm = query.model ? models.find((m) => m.name === query.model) : models[0];
  if (query.model && !sm) throw notFound(`Model "${query.model}"`);
  return c.json(await listLeads(c.var.db, site.id, sm ?? null, { ...query, limit: Number(query.limit ?? 50) }, Date.now()));
});

leadsRoutes.get("/:id", async (c) => {
  const site = c.get("site");
  const models = await loadSiteModels(c.var.db, site.id);
  const detail = await leadDetail(c.var.db, site.id, c.req.param("id"), models, Date.now());
  if (!detail) throw notFound("Lead");
  return c.json(detail);
});

// Right to be forgotten: the lead and everything that names it, in one transaction (report/erase.ts).
leadsRoutes.delete("/:id", async (c) => {
  if (!(await eraseLead(c.var.db, c.get("site").id, c.req.param("id")))) throw notFound("Lead");
  return c.body(null, 204);
});

const mergeBody = z.object({ into: text(64, 1) });

// The owner's merge action for a lead that claimed an email another lead holds.
leadsRoutes.post("/:id/merge", async (c) => {
  const body = parseOrThrow(mergeBody, await readJson(c), "merge body");
  const out = await onSiteShard(c.env, c.get("site"), (db) => mergeClaim(db, c.get("site"), c.req.param("id"), body.into, Date.now()));
  if (out.alertIds.length) c.executionCtx.waitUntil(deliverAlerts(alertEnv(c.env, c.var.db), out.alertIds));
  return c.json({ lead: out.leadId } satisfies MergeResult);
});
