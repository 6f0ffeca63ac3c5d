// GET/PATCH /v1/admin/sites/:id (issue 15): a site's settings, for its owner
// (secret key) or the operator. Thin: validate, call sites/settings.ts.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { requireOwnerOrOperator } from "../http/auth";
import { limitBody, MAX_BODY_BYTES, readJson } from "../http/body";
import { badRequest, notFound } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { safeKey } from "../lib/zod";
import { siteSettings, updateSettings } from "../sites/settings";
import { settingFields } from "./sites";

// An event type (purchase, trial_signup) or a custom / form event's name.
const eventName = safeKey(100);
const conversionEvents = z.union([
  z.array(eventName).check(z.maxLength(20)),
  z.record(eventName, z.object({ valueProp: z.optional(safeKey(128)) })).check(
    z.refine((o) => Object.keys(o).length <= 20, "must name at most 20 events"),
  ),
]);

const patch = z.partial(z.object({ ...settingFields, conversionEvents }));

export const siteSettingsRoutes = new Hono<AppEnv>();

siteSettingsRoutes.get("/:id", requireOwnerOrOperator, async (c) => {
  const s = await siteSettings(c.env.DB, c.req.param("id"));
  if (!s) throw notFound("Site");
  return c.json(s);
});

// The body cap after the key check: the dashboard's in-process Request must reach it unreplaced (http/auth.ts).
siteSettingsRoutes.patch("/:id", requireOwnerOrOperator, limitBody(MAX_BODY_BYTES), async (c) => {
  const body = parseOrThrow(patch, await readJson(c), "site settings");
  if (Object.values(body).every((v) => v === undefined))
    throw badRequest("Nothing to change; see issues.", [{ path: "", message: "give at least one of name, origins, rateLimits, catalogHosts, keepParams, retentionDays, conversionEvents" }]);
  const s = await updateSettings(c.env.DB, c.req.param("id"), body);
  if (!s) throw notFound("Site");
  return c.json(s);
});
