// The Hono app: routes are mounted here and stay thin; the logic lives in
// plain modules (ingest/, scoring/, sites/, hints/).
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { except } from "hono/combine";
import { requireSecretKey } from "./http/auth";
import { KIB, limitBody, limitStream, MAX_BODY_BYTES } from "./http/body";
import { ApiError, errorResponse } from "./http/errors";
import { onError } from "./http/on-error";
import "./lib/zod";
import { dashboard, landing, securityHeaders } from "./dashboard";
import { adminEvents } from "./routes/admin-events";
import { alertsRoutes } from "./routes/alerts";
import { catalogRoutes } from "./routes/catalog";
import { collect } from "./routes/collect";
import { importRoutes } from "./routes/import";
import { keysRoutes } from "./routes/keys";
import { leadsRoutes } from "./routes/leads";
import { modelsRoutes } from "./routes/models";
import { publicRoutes } from "./routes/public";
import { conversionsRoutes, reportRoutes } from "./routes/report";
import { sitesRoutes } from "./routes/sites";
import { siteMoves } from "./routes/site-moves";
import { triggerTestRoutes } from "./routes/trigger-test";
import { vocabularyRoutes } from "./routes/vocabulary";
import { siteSettingsRoutes } from "./routes/site-settings";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)));

  app.get("/v1/health", (c) => c.json({ ok: true }));
  // Body caps (hono/body-limit, 413 payload_too_large): the public and operator routes
  // here; the site-key routes below, once the key is checked (an unknown caller gets no
  // body read, and the in-process dashboard's Request is recognized before it is replaced).
  app.use("/v1/*", except("/v1/admin/*", limitBody(MAX_BODY_BYTES)));
  // (PATCH /v1/admin/sites/:id caps its body after the key check, as the site-key routes do.)
  app.use("/v1/admin/sites/*", except((c) => c.req.method === "PATCH", limitBody(MAX_BODY_BYTES)));
  app.route("/v1/collect", collect);
  app.route("/v1", publicRoutes);
  app.route("/v1/admin/sites", sitesRoutes);
  app.route("/v1/admin/sites", siteMoves);
  app.route("/v1/admin/sites", siteSettingsRoutes);

  const admin = new Hono<AppEnv>();
  admin.use("*", requireSecretKey);
  // The larger caps first: the first cap that runs settles the body.
  admin.put("/products", limitBody(512 * KIB));
  admin.post("/promos/:model/:promo/codes", limitBody(512 * KIB));
  admin.put("/models/:name", limitBody(256 * KIB));
  // Bulk import (issue 13): 10 MiB, counted as the route streams it, never buffered.
  admin.post("/import", limitStream(10 * 1024 * KIB));
  admin.use("*", limitBody(MAX_BODY_BYTES));
  admin.route("/events", adminEvents);
  admin.route("/models", modelsRoutes);
  admin.route("/models", triggerTestRoutes);
  admin.route("/leads", leadsRoutes);
  admin.route("/", catalogRoutes);
  admin.route("/alerts", alertsRoutes);
  admin.route("/report", reportRoutes);
  admin.route("/conversions", conversionsRoutes);
  admin.route("/keys", keysRoutes);
  admin.route("/vocabulary", vocabularyRoutes);
  admin.route("/import", importRoutes);
  app.route("/v1/admin", admin);

  app.route("/dashboard", dashboard(app));
  app.get("/", securityHeaders, landing);
  return app;
}
