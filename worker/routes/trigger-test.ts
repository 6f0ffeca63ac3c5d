// POST /v1/admin/models/:name/triggers/:id/test (issue 14): a sample alert through the trigger's
// channel of the model's current version; 200 with the receiver's status, whatever it answered.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, badRequest, notFound } from "../http/errors";
import { testTrigger } from "../alerts/test-send";
import { getModel } from "../models/models";
import { parseModel } from "../scoring/model";
import { alertEnv } from "../shards/shards";

export const triggerTestRoutes = new Hono<AppEnv>();

const ID = /^[A-Za-z0-9_.-]{1,64}$/;

triggerTestRoutes.post("/:name/triggers/:id/test", async (c) => {
  const name = c.req.param("name");
  const id = c.req.param("id");
  const issues = [
    ...(ID.test(name) ? [] : [{ path: "name", message: "invalid model name" }]),
    ...(ID.test(id) ? [] : [{ path: "id", message: "invalid trigger id" }]),
  ];
  if (issues.length) throw badRequest("Model names and trigger ids are 1-64 characters of A-Z a-z 0-9 _ . -", issues);
  const site = c.get("site");
  const m = await getModel(c.var.db, site.id, name);
  if (!m) throw notFound("Model");
  const parsed = parseModel(m.document, { allowHttpLocalhost: c.env.ENVIRONMENT === "dev" });
  // A stored model that no longer passes (a policy tightened since): its triggers are not sent to.
  if (!parsed.ok) throw new ApiError(409, "invalid_model", "The stored model no longer validates; save it again.", parsed.issues);
  const r = await testTrigger(alertEnv(c.env, c.var.db), site.id, name, parsed.model, id, Date.now());
  if (r === null) throw notFound("Trigger");
  if (r === "no_destination") throw new ApiError(409, "no_destination", "This trigger has no webhook or channel: nothing to send to.");
  return c.json(r);
});
