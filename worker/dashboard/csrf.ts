// CSRF protection for every dashboard form POST, three layers:
// 1. the session cookie is SameSite=Strict (a cross-site form post carries no session);
// 2. the session's own random token (dashboard_sessions.csrf, never derived from a
//    key, different in every session) in a hidden `_csrf` field, compared in
//    constant time;
// 3. a request whose `Origin` is present and not this origin is refused (covers the
//    sign-in form too, which has no session yet).
import type { Context } from "hono";
import { safeEqual } from "../lib/crypto";

export const CSRF_FIELD = "_csrf";

/** False when the request comes from another origin (when the browser says so). */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  return origin === new URL(c.req.url).origin;
}

export function tokenOk(sent: unknown, expected: string): boolean {
  return typeof sent === "string" && expected !== "" && safeEqual(sent, expected);
}
