// Finding 9: dashboard sessions. The cookie used to hold the raw secret key, the CSRF
// token was the same in every session and signing out revoked nothing. Now a sign-in
// creates a server-side session (dashboard_sessions) keyed by the SHA-256 of a random
// id; sign-out deletes it; every session has its own CSRF token; sessions expire.
// Also: the dashboard's in-process channel to the admin API cannot be used from outside.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { purgeExpiredSessions, SESSION_TTL_MS } from "../../worker/dashboard/sessions";
import { siteRequest } from "../../worker/http/auth";
import { sha256Hex } from "../../worker/lib/crypto";
import { siteBySecretKey } from "../../worker/sites/sites";
import { admin, call, countRows, createSite, event, rows, type Keys } from "../support/api";

const HOST = "https://edgescore.test";

function form(path: string, fields: Record<string, string>, cookie?: string) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: HOST };
  if (cookie) headers.cookie = cookie;
  return call(path, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

const get = (path: string, cookie?: string) => call(path, { headers: cookie ? { cookie } : {}, redirect: "manual" });

/** Signs in; returns the cookie pair and the cookie's value (the session id). */
async function login(keys: Keys): Promise<{ cookie: string; id: string; setCookie: string }> {
  const res = await form("/dashboard/login", { key: keys.secretKey });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get("set-cookie")!;
  const cookie = setCookie.split(";")[0]!;
  return { cookie, id: cookie.slice("es_dash=".length), setCookie };
}

async function csrf(cookie: string): Promise<string> {
  const html = await (await get("/dashboard/install", cookie)).text();
  return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
}

/** Signed in: the page answers 200; signed out: a redirect to the sign-in page. */
async function signedIn(cookie: string): Promise<boolean> {
  const res = await get("/dashboard/", cookie);
  if (res.status === 200) return true;
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toMatch(/^\/dashboard\/login/);
  return false;
}

describe("finding 9: dashboard sessions", () => {
  it("finding 9: the cookie holds a random session id, not the sk_ key; the table stores only its SHA-256", async () => {
    const keys = await createSite();
    const a = await login(keys);
    const b = await login(keys);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(a.id).not.toBe(b.id);
    expect(a.setCookie).not.toContain("sk_");
    expect(a.setCookie).toMatch(/Max-Age=28800/);
    const attrs = a.setCookie.split(";").map((s) => s.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["path=/dashboard", "httponly", "secure", "samesite=strict"]));

    const stored = await rows<{ id_hash: string; site_id: string; csrf: string; created_at: number; expires_at: number }>(
      "SELECT * FROM dashboard_sessions WHERE site_id = ?1 ORDER BY created_at",
      keys.id,
    );
    expect(stored).toHaveLength(2);
    expect(stored.map((r) => r.id_hash).sort()).toEqual([await sha256Hex(a.id), await sha256Hex(b.id)].sort());
    const dump = JSON.stringify(await rows("SELECT * FROM dashboard_sessions"));
    expect(dump).not.toContain(a.id);
    expect(dump).not.toContain(keys.secretKey);
    for (const r of stored) expect(r.expires_at - r.created_at).toBe(SESSION_TTL_MS);
    expect(await signedIn(a.cookie)).toBe(true);
  });

  it("finding 9: sign-out deletes the session: replaying the old cookie redirects to the sign-in page", async () => {
    const keys = await createSite();
    const s = await login(keys);
    const other = await login(keys);
    const token = await csrf(s.cookie);
    const out = await form("/dashboard/logout", { _csrf: token }, s.cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/login?out=1");
    expect(out.headers.get("set-cookie")).toMatch(/^es_dash=;.*Max-Age=0/i);
    expect(await countRows("dashboard_sessions", "id_hash = ?1", await sha256Hex(s.id))).toBe(0);
    // The old cookie, replayed (a copy kept by an attacker): no session, for pages and forms.
    expect(await signedIn(s.cookie)).toBe(false);
    const replay = await form("/dashboard/models/m", { document: "{}", action: "save", _csrf: token }, s.cookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toBe("/dashboard/login");
    expect((await admin("/models/m", keys.secretKey)).status).toBe(404);
    // Only that session ended.
    expect(await signedIn(other.cookie)).toBe(true);
  });

  it("finding 9: sign out everywhere deletes every session of the site, and no other site's", async () => {
    const keys = await createSite();
    const otherSite = await createSite();
    const [a, b, c] = [await login(keys), await login(keys), await login(otherSite)];
    const html = await (await get("/dashboard/", a.cookie)).text();
    // The button is in the layout's user menu, on every page.
    expect(html).toMatch(/<form method="post" action="\/dashboard\/logout-all">/);
    const out = await form("/dashboard/logout-all", { _csrf: await csrf(a.cookie) }, a.cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/login?out=all");
    expect(await (await get("/dashboard/login?out=all")).text()).toContain("You are signed out on every browser.");
    expect(await countRows("dashboard_sessions", "site_id = ?1", keys.id)).toBe(0);
    expect(await signedIn(a.cookie)).toBe(false);
    expect(await signedIn(b.cookie)).toBe(false);
    expect(await signedIn(c.cookie)).toBe(true);
    // Without the CSRF token nothing is revoked.
    const d = await login(keys);
    expect((await form("/dashboard/logout-all", {}, d.cookie)).status).toBe(403);
    expect(await signedIn(d.cookie)).toBe(true);
  });

  it("finding 9: the CSRF token is per session: two sessions differ, and session A's token fails in session B", async () => {
    const keys = await createSite();
    const a = await login(keys);
    const b = await login(keys);
    const [ta, tb] = [await csrf(a.cookie), await csrf(b.cookie)];
    expect(ta).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ta).not.toBe(tb);
    // The same session keeps its token across pages.
    expect(await csrf(a.cookie)).toBe(ta);
    const doc = JSON.stringify({ tiers: { warm: 1, hot: 2 }, rules: [{ id: "v", points: 1, when: { event: "page_view" } }] });
    const cross = await form("/dashboard/models/m", { document: doc, action: "save", _csrf: ta }, b.cookie);
    expect(cross.status).toBe(403);
    expect((await form("/dashboard/logout", { _csrf: ta }, b.cookie)).status).toBe(403);
    expect(await signedIn(b.cookie)).toBe(true);
    expect((await admin("/models/m", keys.secretKey)).status).toBe(404);
    const own = await form("/dashboard/models/m", { document: doc, action: "save", _csrf: tb }, b.cookie);
    expect(own.status).toBe(303);
  });

  it("finding 9: an expired session is refused and its row deleted; the cron purges expired rows of every site", async () => {
    const keys = await createSite();
    const s = await login(keys);
    const live = await login(keys);
    await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = ?2 WHERE id_hash = ?1").bind(await sha256Hex(s.id), Date.now() - 1).run();
    const res = await get("/dashboard/", s.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^es_dash=;.*Max-Age=0/i);
    expect(await countRows("dashboard_sessions", "id_hash = ?1", await sha256Hex(s.id))).toBe(0);
    expect(await signedIn(live.cookie)).toBe(true);

    // purgeExpiredSessions (called by the cron): expired rows of any site go, live ones stay.
    const other = await createSite();
    const o = await login(other);
    await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = 1000 WHERE site_id = ?1").bind(other.id).run();
    const now = Date.now();
    expect(await purgeExpiredSessions(env.DB, now)).toBeGreaterThanOrEqual(1);
    expect(await countRows("dashboard_sessions", "site_id = ?1", other.id)).toBe(0);
    expect(await signedIn(o.cookie)).toBe(false);
    expect(await signedIn(live.cookie)).toBe(true);
    // 8 hours later the live one is gone too.
    expect(await purgeExpiredSessions(env.DB, now + SESSION_TTL_MS + 1)).toBeGreaterThanOrEqual(1);
    expect(await signedIn(live.cookie)).toBe(false);
  });

  it("finding 9: the dashboard reads the admin API without any key; that in-process channel is closed to outside requests", async () => {
    const keys = await createSite();
    const res = await admin("/events", keys.secretKey, { body: { email: "inproc@example.com", events: [event("page_view")] } });
    expect(res.status).toBe(200);
    const s = await login(keys);
    // Works: the leads page lists the lead through the in-process API client.
    expect(await (await get("/dashboard/", s.cookie)).text()).toContain("inproc@example.com");

    // From outside, nothing a client can send opens /v1/admin: not the session cookie,
    // not the session id as a bearer token, not a guessed internal header.
    const site = (await siteBySecretKey(env.DB, keys.secretKey))!;
    for (const headers of [
      { cookie: s.cookie },
      { authorization: `Bearer ${s.id}` },
      { authorization: `Bearer ds_${s.id}` },
      { "x-edgescore-site": keys.id },
      { "x-edgescore-internal": "1", "x-edgescore-site": keys.id },
      { "x-dashboard-site": keys.id, "x-forwarded-for": "127.0.0.1" },
    ] as Record<string, string>[]) {
      const r = await call("/v1/admin/leads", { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
    }
    // The channel is the Request object registered by siteRequest, nothing else:
    // an equal request built by anyone else is a stranger.
    const app = createApp();
    const url = "https://in-process.invalid/v1/admin/leads";
    expect((await app.fetch(new Request(url), env)).status).toBe(401);
    const registered = siteRequest(site, url, { method: "GET" });
    expect((await app.fetch(registered, env)).status).toBe(200);
    expect((await app.fetch(new Request(registered), env)).status).toBe(401);
  });
});
