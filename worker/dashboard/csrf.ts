// CSRF protection for every dashboard form POST, three layers:
// 1. the session cookie is SameSite=Strict (a cross-site form post carries no session);
// 2. a token bound to the session in a hidden `_csrf` field: HMAC-SHA256 keyed with the
//    signed-in site's secret-key hash (derived from the cookie's key, never sent to the
//    browser), compared in constant time;
// 3. a request whose `Origin` is present and not this origin is refused (covers the
//    sign-in form too, which has no session yet).
import type { Context } from "hono";
import { hmacSha256Hex, safeEqual } from "../lib/crypto";

export const CSRF_FIELD = "_csrf";

export function csrfToken(secretHash: string): Promise<string> {
  return hmacSha256Hex(secretHash, "edgescore-dashboard-csrf-v1");
}

/** False when the request comes from another origin (when the browser says so). */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  return origin === new URL(c.req.url).origin;
}

export function tokenOk(sent: unknown, expected: string): boolean {
  return typeof sent === "string" && safeEqual(sent, expected);
}
