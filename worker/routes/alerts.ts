// /v1/admin/alerts (secret key): the alert outbox with each delivery's status and attempts,
// and a manual resend of a failed alert. The logic lives in worker/alerts/.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { text } from "../lib/zod";
import { deliverAlert } from "../alerts/deliver";
import { ALERT_STATUSES, getAlert, listAlerts, resetForRetry } from "../alerts/store";
import { alertEnv } from "../shards/shards";

export const alertsRoutes = new Hono<AppEnv>();

const listQuery = z.object({
  status: z.optional(z.enum(ALERT_STATUSES)),
  limit: z.optional(z.string().check(z.refine((s) => /^\d{1,3}$/.test(s) && +s >= 1 && +s <= 200, "must be an integer from 1 to 200"))),
  cursor: z.optional(text(500, 1)),
});

alertsRoutes.get("/", async (c) => {
  const q = parseOrThrow(listQuery, c.req.query(), "query");
  return c.json(await listAlerts(c.var.db, c.get("site").id, { status: q.status, cursor: q.cursor, limit: Number(q.limit ?? 50) }));
});

alertsRoutes.get("/:id", async (c) => {
  const alert = await getAlert(c.var.db, c.get("site").id, c.req.param("id"));
  if (!alert) throw notFound("Alert");
  return c.json(alert);
});

alertsRoutes.post("/:id/retry", async (c) => {
  const site = c.get("site");
  const id = c.req.param("id");
  const now = Date.now();
  if (!(await resetForRetry(c.var.db, site.id, id, now))) {
    const alert = await getAlert(c.var.db, site.id, id);
    if (!alert) throw notFound("Alert");
    throw new ApiError(409, "not_failed", `Only failed alerts can be resent; this one is ${alert.status}.`);
  }
  const alert = await getAlert(c.var.db, site.id, id);
  c.executionCtx.waitUntil(deliverAlert(alertEnv(c.env, c.var.db), id));
  return c.json(alert, 202);
});
