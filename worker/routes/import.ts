// POST /v1/admin/import (secret key, issue 13): a CRM export or any history as
// NDJSON (one lead per line) or CSV (a header row, mapped by `?map=` or a
// `{"mapping": …}` first line), streamed: a thin adapter over worker/import/.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { importCsvBody, importNdjson } from "../import/import";
import { LineReader } from "../import/read";

export const importRoutes = new Hono<AppEnv>();

const importQuery = z.object({
  map: z.optional(z.string().check(z.maxLength(16_384))),
  line_offset: z.optional(z.string().check(z.regex(/^\d{1,9}$/, "must be a whole number"))),
});

const NDJSON = new Set(["application/x-ndjson", "application/ndjson", "application/jsonl", "application/jsonlines"]);
const CSV = new Set(["text/csv"]);

importRoutes.post("/", async (c) => {
  const now = Date.now();
  const query = parseOrThrow(importQuery, c.req.query(), "query");
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const csv = CSV.has(type);
  if (!csv && !NDJSON.has(type))
    throw new ApiError(415, "unsupported_media_type", "Send `Content-Type: application/x-ndjson` (one lead per line) or `text/csv` (a header row).");
  const body = c.req.raw.body;
  if (!body) throw new ApiError(400, "bad_request", "The body is empty; send one lead per line.");
  const lines = new LineReader(body.getReader());
  const offset = Number(query.line_offset ?? 0);
  const site = c.get("site");
  const { answer, timing } = csv ? await importCsvBody(c.env, site, lines, query.map ?? null, offset, now) : await importNdjson(c.env, site, lines, offset, now);
  if (c.env.ENVIRONMENT === "dev") c.header("X-EdgeScore-Import", Object.entries(timing).map(([k, v]) => `${k}=${Math.round(v)}`).join("; "));
  return c.json(answer);
});
