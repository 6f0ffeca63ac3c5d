// /v1/admin/models: PUT validates (every problem with its path), stores a new
// version and starts rescoring existing leads; GET shows the rescoring progress.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { ApiError, badRequest, notFound } from "../http/errors";
import { deleteModel, getModel, listModels, modelHistory, putModel, type ModelDetail, type ModelList } from "../models/models";
import { runRescoring } from "../models/rescore";
import { parseModel } from "../scoring/model";

export const modelsRoutes = new Hono<AppEnv>();

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
// Rescoring right after the PUT, for small sites all of it; the cron does the rest.
const RESCORE_NOW_MS = 5_000;

function modelName(name: string): string {
  if (!NAME.test(name)) throw badRequest("A model name is 1-64 characters of A-Z a-z 0-9 _ . -", [{ path: "name", message: "invalid model name" }]);
  return name;
}

modelsRoutes.get("/", async (c) => {
  const models = await listModels(c.var.db, c.get("site").id);
  return c.json({ models: models.map(({ document: _d, ...m }) => m) } satisfies ModelList);
});

modelsRoutes.get("/:name", async (c) => {
  const site = c.get("site");
  const m = await getModel(c.var.db, site.id, modelName(c.req.param("name")));
  if (!m) throw notFound("Model");
  return c.json({ ...m, versions: await modelHistory(c.var.db, site.id, m.name) } satisfies ModelDetail);
});

modelsRoutes.put("/:name", async (c) => {
  const site = c.get("site");
  const name = modelName(c.req.param("name"));
  const doc = await readJson(c);
  const parsed = parseModel(doc, { allowHttpLocalhost: c.env.ENVIRONMENT === "dev" });
  if (!parsed.ok) throw new ApiError(400, "invalid_model", `The model has ${parsed.issues.length} problem(s); see issues.`, parsed.issues);
  const existed = !!(await getModel(c.var.db, site.id, name));
  const saved = await putModel(c.var.db, site.id, name, doc, Date.now(), parsed.model.promos);
  c.executionCtx.waitUntil(runRescoring(c.var.db, RESCORE_NOW_MS));
  return c.json(saved, existed ? 200 : 201);
});

modelsRoutes.delete("/:name", async (c) => {
  const ok = await deleteModel(c.var.db, c.get("site").id, modelName(c.req.param("name")));
  if (!ok) throw notFound("Model");
  return c.body(null, 204);
});
