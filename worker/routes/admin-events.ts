// POST /v1/admin/events (secret key): server-side signals such as email opens
// and clicks, CRM updates and imports. Same events as the snippet's, addressed
// by visitor or email; timestamps may be in the past.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { parseOrThrow } from "../http/validate";
import { deliverAlerts } from "../alerts/deliver";
import { d1Stats, ingest } from "../ingest/ingest";
import { assertEventCount, adminEventsSchema } from "../ingest/schema";
import { alertEnv } from "../shards/shards";
import { onSiteShard } from "../shards/site-db";

export const adminEvents = new Hono<AppEnv>();

adminEvents.post("/", async (c) => {
  const now = Date.now();
  const raw = await readJson(c);
  assertEventCount(raw);
  const body = parseOrThrow(adminEventsSchema, raw, "events body");
  const out = await onSiteShard(c.env, c.get("site"), (db) => ingest(db, {
    site: c.get("site"),
    source: "server",
    visitor: body.visitor ?? null,
    email: body.email ? body.email.toLowerCase() : null,
    session: undefined,
    events: body.events,
    traits: body.traits,
    country: null,
    now,
  }));
  // First delivery attempt of any alert this request fired, after the response (SPEC §7).
  if (out.alertIds.length) c.executionCtx.waitUntil(deliverAlerts(alertEnv(c.env, c.var.db), out.alertIds));
  if (c.env.ENVIRONMENT === "dev") c.header("X-EdgeScore-D1", d1Stats(out.stats));
  return c.json({ accepted: out.accepted, duplicates: out.duplicates, lead: out.leadId });
});
