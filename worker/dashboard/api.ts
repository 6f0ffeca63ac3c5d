// The dashboard is an in-process client of the admin API: each call goes through
// the same Hono app (validation, errors, auth) without a network hop, as the site
// the session authenticated (siteRequest in worker/http/auth.ts: the site rides on
// the Request object, no key or header involved). Only the dashboard's own model
// preview reads D1 directly.
import type { Context, Hono } from "hono";
import { siteRequest } from "../http/auth";
import type { Issue } from "../http/errors";
import type { Site } from "../sites/sites";

export interface ApiError {
  code: string;
  message: string;
  issues?: Issue[];
}

export interface ApiResult<T> {
  status: number;
  ok: boolean;
  data: T | null;
  error: ApiError | null;
  /** True when the API has no such route (a feature not deployed yet). */
  missing: boolean;
}

export type Api = <T = unknown>(method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE", path: string, body?: string) => Promise<ApiResult<T>>;

export function apiClient(app: Hono<any>, c: Context, site: Site): Api {
  return async <T>(method: string, path: string, body?: string): Promise<ApiResult<T>> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const req = siteRequest(site, `https://in-process.invalid/v1/admin${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const res = await app.fetch(req, c.env, c.executionCtx);
    let json: unknown = null;
    if (res.status !== 204) {
      try {
        json = await res.json();
      } catch {
        json = null;
      }
    }
    const err = res.ok ? null : ((json as { error?: ApiError } | null)?.error ?? { code: "http_" + res.status, message: `The API answered ${res.status}.` });
    return {
      status: res.status,
      ok: res.ok,
      data: res.ok ? (json as T) : null,
      error: err,
      missing: res.status === 404 && !!err && err.code === "not_found" && /^No route for /.test(err.message),
    };
  };
}

export const enc = encodeURIComponent;

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? "?" + s : "";
}
