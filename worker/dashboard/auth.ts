// Dashboard sessions: the cookie holds the site's secret key (HttpOnly, Secure,
// SameSite=Strict, Path=/dashboard) and every request authenticates from it exactly
// like `requireSecretKey` does for the API (siteBySecretKey: hash compared in
// constant time). Nothing is stored server-side; signing out clears the cookie.
import type { Context, MiddlewareHandler } from "hono";
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { siteBySecretKey, type Site } from "../sites/sites";
import { apiClient } from "./api";
import { csrfToken } from "./csrf";
import type { DashEnv } from "./env";

export const COOKIE = "es_dash";
const MAX_AGE_S = 8 * 3600;

const cookieOpts = { path: "/dashboard", httpOnly: true, secure: true, sameSite: "Strict" } as const;

export function setSession(c: Context, key: string): void {
  setCookie(c, COOKIE, key, { ...cookieOpts, maxAge: MAX_AGE_S });
}

export function clearSession(c: Context): void {
  deleteCookie(c, COOKIE, cookieOpts);
}

export function siteForKey(c: Context<DashEnv>, key: string): Promise<Site | null> {
  return siteBySecretKey(c.env.DB, key);
}

/** Only dashboard paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/dashboard\/[A-Za-z0-9/_.?=&%-]*$/.test(next) && !next.includes("//") ? next : "/dashboard/";
}

/** Signed-in requests only; others go to the sign-in page (GET) or get a 401. */
export function requireSession(app: Hono<any>): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const key = getCookie(c, COOKIE);
    const site = key ? await siteForKey(c, key) : null;
    if (!key || !site) {
      if (key) clearSession(c);
      const url = new URL(c.req.url);
      if (c.req.method === "GET") return c.redirect(`/dashboard/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      return c.redirect("/dashboard/login", 303);
    }
    c.set("site", site);
    c.set("key", key);
    c.set("csrf", await csrfToken(site.secretHash));
    c.set("api", apiClient(app, c, key));
    await next();
  };
}
