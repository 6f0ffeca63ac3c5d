// POST /v1/collect: the snippet's beacon (SPEC §3). Thin: parse, authorize, ingest.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { corsHeaders, preflight } from "../http/cors";
import { countryOf, publicSite } from "../http/public-site";
import { parseOrThrow } from "../http/validate";
import { deliverAlerts } from "../alerts/deliver";
import { onSiteShard } from "../shards/site-db";
import { alertEnv } from "../shards/shards";
import { hintsFrom } from "../hints/hints";
import { readHints } from "../hints/read-hints";
import { clampTs } from "../ingest/normalize";
import { d1Stats, ingest } from "../ingest/ingest";
import { assertEventCount, collectSchema } from "../ingest/schema";
import { verifySignedIdentify } from "../ingest/identity";
import { currentIdentitySecret } from "../sites/sites";
import { badRequest } from "../http/errors";

export const collect = new Hono<AppEnv>();

collect.use("*", corsHeaders);
collect.options("/", preflight);

collect.post("/", async (c) => {
  const now = Date.now();
  const raw = await readJson(c);
  assertEventCount(raw);
  const body = parseOrThrow(collectSchema, raw, "collect body");
  const site = await publicSite(c, body.site, body.visitor, now);
  // A signed identify is verified here, against the identity secret as it is now
  // in D1 (not this isolate's 30-second site cache): a rotation takes effect at once.
  const signed = body.events.some((e) => e.signature !== undefined);
  const proof = await verifySignedIdentify(body.events, signed ? await currentIdentitySecret(c.env.DB, site.id) : null);
  if (proof.issues.length) throw badRequest("The collect body is invalid; see issues.", proof.issues);
  const rules = { id: site.id, origins: site.origins, catalogHosts: site.catalogHosts, keepParams: site.keepParams, conversionEvents: site.conversionEvents };
  const queued = { ...rules, shard: site.shard };
  const client = c.get("client");

  if (c.env.INGEST_MODE === "queue" && c.env.INGEST_QUEUE) {
    // Queue mode: accepted for writing; duplicates are sorted out by the consumer.
    // The hints are the visitor's as of its last written event.
    const events = body.events.map((e) => ({ ...e, ts: clampTs(e.ts, now, "browser") }));
    await c.env.INGEST_QUEUE.send({
      site: queued,
      visitor: body.visitor,
      session: body.session,
      events,
      traits: body.traits,
      country: countryOf(c.req.raw),
      receivedAt: now,
      verifiedEmail: proof.email,
      client,
    });
    const hints = await readHints(c.var.db, site.id, body.visitor, { recommend: 0, product: null }, now, { kind: "browser", client });
    return c.json({ accepted: events.length, duplicates: 0, queued: true, hints });
  }

  // On the site's shard; a write that finds the site moved follows it there.
  const out = await onSiteShard(c.env, site, (db) => ingest(db, {
    site: rules,
    source: "browser",
    verifiedEmail: proof.email,
    client,
    visitor: body.visitor,
    email: null,
    session: body.session,
    events: body.events,
    traits: body.traits,
    country: countryOf(c.req.raw),
    now,
  }));
  // First delivery attempt of any alert this request fired, after the response (SPEC §7).
  if (out.alertIds.length) c.executionCtx.waitUntil(deliverAlerts(alertEnv(c.env, c.var.db), out.alertIds));
  if (c.env.ENVIRONMENT === "dev") c.header("X-EdgeScore-D1", d1Stats(out.stats));
  return c.json({ accepted: out.accepted, duplicates: out.duplicates, hints: hintsFrom(out.outcomes[0], out.codes) });
});
