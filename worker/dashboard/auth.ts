// Dashboard sign-in: the secret key is checked once (siteBySecretKey, constant-time
// hash comparison) and traded for a server-side session (sessions.ts). The cookie
// holds only the random session id (HttpOnly, Secure, SameSite=Strict,
// Path=/dashboard); every request resolves it, so signing out, "sign out
// everywhere" and rotating the secret key end a session at once.
import type { Context, MiddlewareHandler } from "hono";
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { siteBySecretKey, type Site } from "../sites/sites";
import { apiClient } from "./api";
import type { DashEnv } from "./env";
import { createSession, resolveSession, SESSION_TTL_MS } from "./sessions";

export const COOKIE = "es_dash";

const cookieOpts = { path: "/dashboard", httpOnly: true, secure: true, sameSite: "Strict" } as const;

/** Opens a session for a site whose secret key was just checked; the cookie carries its id. */
export async function startSession(c: Context<DashEnv>, site: Site): Promise<void> {
  const s = await createSession(c.env.DB, site.id, Date.now());
  setCookie(c, COOKIE, s.id, { ...cookieOpts, maxAge: SESSION_TTL_MS / 1000 });
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

/** Signed-in requests only; others go to the sign-in page (GET) or get a redirect there. */
export function requireSession(app: Hono<any>): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const id = getCookie(c, COOKIE);
    const session = id ? await resolveSession(c.env.DB, id, Date.now()) : null;
    if (!session) {
      if (id !== undefined) clearSession(c);
      const url = new URL(c.req.url);
      if (c.req.method === "GET") return c.redirect(`/dashboard/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      return c.redirect("/dashboard/login", 303);
    }
    c.set("site", session.site);
    c.set("session", session.idHash);
    c.set("csrf", session.csrf);
    c.set("api", apiClient(app, c, session.site));
    await next();
  };
}
