// The one error shape of the HTTP API (SPEC §3):
// {"error":{"code":"…","message":"…","issues":[{"path":"events.0.ts","message":"…"}]}}
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, issues?: Issue[]) =>
  new ApiError(400, issues ? "invalid_request" : "bad_request", message, issues);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);

export function errorBody(code: string, message: string, issues?: Issue[]) {
  return { error: issues ? { code, message, issues } : { code, message } };
}

export function errorResponse(c: Context, err: ApiError): Response {
  const res = c.json(errorBody(err.code, err.message, err.issues), err.status);
  for (const [k, v] of Object.entries(err.headers ?? {})) res.headers.set(k, v);
  return res;
}
