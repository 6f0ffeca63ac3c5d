// GET /v1/admin/vocabulary?limit=20 (secret key): the event types, event names, paths
// and trait keys/values seen on the site, for the model editor's pickers. Added by issue 15.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { parseOrThrow } from "../http/validate";
import { siteVocabulary, VOCABULARY_LIMIT } from "../models/vocabulary";

const query = z.object({
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, "must be a whole number from 1 to 100"))),
});

export const vocabularyRoutes = new Hono<AppEnv>();

vocabularyRoutes.get("/", async (c) => {
  const q = parseOrThrow(query, c.req.query(), "query");
  return c.json(await siteVocabulary(c.var.db, c.get("site").id, q.limit === undefined ? VOCABULARY_LIMIT : Number(q.limit)));
});
