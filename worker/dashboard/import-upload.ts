// POST /dashboard/import/upload: one part of the Import page's file, streamed to
// POST /v1/admin/import in-process as the signed-in site (siteRequest). The body
// is the file's bytes, not a form, so the CSRF token comes in a header
// (`x-csrf-token`, the session's own token) with the same-origin check.
import type { Hono, MiddlewareHandler } from "hono";
import { siteRequest } from "../http/auth";
import { errorBody } from "../http/errors";
import { sameOrigin, tokenOk } from "./csrf";
import type { DashEnv } from "./env";

export function forwardImport(app: Hono<any>): MiddlewareHandler<DashEnv> {
  return async (c) => {
    if (!sameOrigin(c) || !tokenOk(c.req.header("x-csrf-token"), c.get("csrf")))
      return c.json(errorBody("forbidden", "The request did not come from this dashboard; reload the page."), 403);
    const url = new URL(c.req.url);
    const headers: Record<string, string> = { "content-type": c.req.header("content-type") ?? "" };
    const req = siteRequest(c.get("site"), `https://in-process.invalid/v1/admin/import${url.search}`, { method: "POST", headers, body: c.req.raw.body });
    const res = await app.fetch(req, c.env, c.executionCtx);
    return new Response(res.body, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
  };
}
