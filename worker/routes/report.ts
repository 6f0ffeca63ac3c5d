// /v1/admin/report (the 30-day review) and /v1/admin/conversions: thin adapters over
// worker/report/*.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { badRequest, notFound } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { loadSiteModels } from "../leads/list";
import { text } from "../lib/zod";
import { recordConversion, type ConversionTarget } from "../report/conversions";
import { loadReportLeads } from "../report/load";
import { buildReport } from "../report/report";
import { modelDocument } from "../store/models";

const DAY_MS = 86_400_000;
/** Conversions may be dated in the past, not in the future beyond clock skew. */
const MAX_FUTURE_MS = 10 * 60_000;

export const reportRoutes = new Hono<AppEnv>();

const reportQuery = z.object({
  model: z.optional(text(64, 1)),
  days: z.optional(z.string().check(z.refine((s) => /^\d{1,3}$/.test(s) && +s >= 1 && +s <= 365, "must be an integer from 1 to 365"))),
});

reportRoutes.get("/", async (c) => {
  const site = c.get("site");
  const query = parseOrThrow(reportQuery, c.req.query(), "query");
  const models = await loadSiteModels(c.var.db, site.id);
  const sm = query.model ? models.find((m) => m.name === query.model) : models[0];
  if (!sm) throw notFound(query.model ? `Model "${query.model}"` : "Model (the site has none yet)");
  const doc = await modelDocument(c.var.db, site.id, sm.name);
  const now = Date.now();
  const days = Number(query.days ?? 30);
  const since = now - days * DAY_MS;
  const { leads, sampled } = await loadReportLeads(c.var.db, site.id, sm, since, now);
  const document = doc ? (JSON.parse(doc.document) as unknown) : null;
  return c.json(buildReport(sm.model, { model: sm.name, version: sm.version, days, since, now, sampled, document }, leads));
});

export const conversionsRoutes = new Hono<AppEnv>();

const conversionBody = z
  .strictObject({
    lead: z.optional(text(128, 1)),
    visitor: z.optional(text(128, 1)),
    email: z.optional(z.email().check(z.maxLength(254))),
    value: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(1e12)))),
    ts: z.optional(z.int().check(z.gte(0))),
  })
  .check(
    z.refine((b) => [b.lead, b.visitor, b.email].filter((x) => x !== undefined).length === 1, {
      message: "give exactly one of `lead`, `visitor` or `email`",
      path: ["lead"],
    }),
  );

conversionsRoutes.post("/", async (c) => {
  const now = Date.now();
  const body = parseOrThrow(conversionBody, await readJson(c), "conversion");
  const ts = body.ts ?? now;
  if (ts > now + MAX_FUTURE_MS)
    throw badRequest("The conversion is invalid; see issues.", [{ path: "ts", message: "must not be more than 10 minutes in the future" }]);
  const target: ConversionTarget =
    body.lead !== undefined ? { lead: body.lead } : body.visitor !== undefined ? { visitor: body.visitor } : { email: (body.email as string).toLowerCase() };
  const out = await recordConversion(c.var.db, c.get("site").id, target, body.value ?? null, ts);
  if (!out) throw notFound("Lead");
  return c.json(out, 201);
});
