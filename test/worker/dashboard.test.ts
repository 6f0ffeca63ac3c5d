// The dashboard inside workerd: sign-in cookie, authentication of every page, CSRF,
// output escaping of lead data, security headers, and the pages' main contents.
// Sessions themselves (revocation, expiry, per-session CSRF) are in sessions.test.ts,
// key rotation in keys.test.ts.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { LeadPage } from "../../worker/dashboard/pages/lead";
import { LeadsPage } from "../../worker/dashboard/pages/leads";
import { ReviewPage } from "../../worker/dashboard/pages/review";
import type { LeadDetail, LeadListItem, Report } from "../../worker/dashboard/types";
import { admin, call, createSite, event, rows, type Keys } from "../support/api";

const HOST = "https://edgescore.test";
const XSS = "<img src=x onerror=alert(1)>";

const model = {
  tiers: { warm: 15, hot: 30 },
  categories: {
    fit: { kind: "fit", max: 50 },
    key: { kind: "interest", max: 50, decay: { halfLifeDays: 30 } },
  },
  rules: [
    { id: "demo", category: "key", points: 30, when: { event: "custom", name: "demo_request" } },
    { id: "visit", category: "key", points: 2, when: { event: "page_view" } },
    { id: "budget", category: "fit", points: 15, when: { trait: "budget", gte: 20000 } },
    { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
  ],
};

async function login(keys: Keys): Promise<string> {
  const res = await form("/dashboard/login", { key: keys.secretKey });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie")!;
  return cookie.split(";")[0]!;
}

function form(path: string, fields: Record<string, string>, opts: { cookie?: string; origin?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin !== null) headers.origin = opts.origin ?? HOST;
  return call(path, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

const get = (path: string, cookie?: string) => call(path, { headers: cookie ? { cookie } : {}, redirect: "manual" });

async function page(path: string, cookie: string) {
  const res = await get(path, cookie);
  return { res, html: await res.text() };
}

const csrfOf = (html: string) => /name="_csrf" value="([A-Za-z0-9_-]+)"/.exec(html)![1]!;

async function siteWithLeads() {
  const keys = await createSite();
  expect((await admin("/models/sales", keys.secretKey, { method: "PUT", body: model })).status).toBe(201);
  const hot = await admin("/events", keys.secretKey, {
    body: { email: "hot@example.com", traits: { name: "Hana Hot", budget: 50000 }, events: [event("custom", { name: "demo_request" }), event("page_view")] },
  });
  const xss = await admin("/events", keys.secretKey, {
    body: {
      email: "xss@example.com",
      traits: { name: XSS, note: "<script>alert(2)</script>" },
      events: [event("page_view", { url: "https://shop.example/a?q=<b>x</b>", title: "<i>t</i>" })],
    },
  });
  const cold = await admin("/events", keys.secretKey, { body: { email: "cold@example.com", events: [event("page_view")] } });
  const ids = {
    hot: ((await hot.json()) as { lead: string }).lead,
    xss: ((await xss.json()) as { lead: string }).lead,
    cold: ((await cold.json()) as { lead: string }).lead,
  };
  return { keys, ids };
}

describe("dashboard sign-in", () => {
  it("sets an HttpOnly, Secure, SameSite=Strict cookie scoped to /dashboard, and never puts the key in a URL", async () => {
    const keys = await createSite();
    const res = await form("/dashboard/login", { key: keys.secretKey });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/");
    const cookie = res.headers.get("set-cookie")!;
    // The cookie carries a random session id, never the key (sessions.test.ts has the rest).
    expect(cookie).toMatch(/^es_dash=[A-Za-z0-9_-]{43};/);
    expect(cookie).not.toContain(keys.secretKey);
    const attrs = cookie.split(";").map((s) => s.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["path=/dashboard", "httponly", "secure", "samesite=strict"]));
    expect(res.headers.get("location")).not.toContain("sk_");
    // The sign-in form posts the key in a password field.
    const html = await (await get("/dashboard/login")).text();
    expect(html).toMatch(/<form method="post" action="\/dashboard\/login">/);
    expect(html).toMatch(/type="password"/);
    expect(html).toMatch(/<label for="key">/);
  });

  it("refuses a wrong key, a revoked-looking key and a cross-origin sign-in", async () => {
    const keys = await createSite();
    for (const key of ["", "sk_nope", keys.secretKey.slice(0, -1) + (keys.secretKey.endsWith("A") ? "B" : "A"), keys.publicKey]) {
      const res = await form("/dashboard/login", { key });
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("That secret key is not valid");
    }
    const cross = await form("/dashboard/login", { key: keys.secretKey }, { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    expect(cross.headers.get("set-cookie")).toBeNull();
  });

  it("only follows dashboard paths after sign-in", async () => {
    const keys = await createSite();
    for (const [next, want] of [
      ["/dashboard/models", "/dashboard/models"],
      ["https://evil.example/", "/dashboard/"],
      ["//evil.example/dashboard/", "/dashboard/"],
      ["/dashboard//evil.example", "/dashboard/"],
    ]) {
      const res = await form("/dashboard/login", { key: keys.secretKey, next: next! });
      expect(res.headers.get("location")).toBe(want);
    }
  });

  it("requires the cookie on every page and form", async () => {
    const keys = await createSite();
    for (const path of ["/dashboard/", "/dashboard/leads/ld_x", "/dashboard/models", "/dashboard/models/m", "/dashboard/review", "/dashboard/install", "/dashboard/alerts", "/dashboard/models/m/status", "/dashboard/keys"]) {
      const res = await get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toMatch(/^\/dashboard\/login\?next=/);
    }
    for (const path of ["/dashboard/models/m", "/dashboard/leads/ld_x/erase", "/dashboard/leads/ld_x/merge", "/dashboard/alerts/al_x/retry", "/dashboard/logout", "/dashboard/logout-all", "/dashboard/keys/rotate"]) {
      const res = await form(path, { document: "{}", _csrf: "x" });
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe("/dashboard/login");
    }
    // A bogus or tampered cookie is no session either (and is cleared); the secret key itself is no cookie.
    const live = (await login(keys)).slice("es_dash=".length);
    for (const value of [`${keys.secretKey}x`, keys.secretKey, live.slice(0, -1) + (live.endsWith("A") ? "B" : "A")]) {
      const bad = await get("/dashboard/", `es_dash=${value}`);
      expect(bad.status).toBe(303);
      expect(bad.headers.get("set-cookie")).toMatch(/^es_dash=;.*Max-Age=0/i);
    }
    // The API key in an Authorization header does not open the dashboard.
    const bearer = await call("/dashboard/", { headers: { authorization: `Bearer ${keys.secretKey}` }, redirect: "manual" });
    expect(bearer.status).toBe(303);
  });

  it("signs out: the cookie is cleared", async () => {
    const keys = await createSite();
    const cookie = await login(keys);
    const { html } = await page("/dashboard/", cookie);
    const res = await form("/dashboard/logout", { _csrf: csrfOf(html) }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/login?out=1");
    expect(res.headers.get("set-cookie")).toMatch(/^es_dash=;.*Max-Age=0.*Path=\/dashboard/i);
  });
});

describe("dashboard CSRF", () => {
  it("refuses a form without the token, with a wrong or another site's token, or from another origin", async () => {
    const { keys } = await siteWithLeads();
    const other = await createSite();
    const cookie = await login(keys);
    const token = csrfOf((await page("/dashboard/models/sales", cookie)).html);
    const otherToken = csrfOf((await page("/dashboard/", await login(other))).html);
    expect(otherToken).not.toBe(token);
    const doc = JSON.stringify(model);
    for (const fields of [{ document: doc, action: "save" } as Record<string, string>, { document: doc, action: "save", _csrf: "" }, { document: doc, action: "save", _csrf: token.slice(0, -1) + (token.endsWith("0") ? "1" : "0") }, { document: doc, action: "save", _csrf: otherToken }]) {
      const res = await form("/dashboard/models/sales", fields, { cookie });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("This form could not be accepted");
    }
    expect((await form("/dashboard/models/sales", { document: doc, action: "save", _csrf: token }, { cookie, origin: "https://evil.example" })).status).toBe(403);
    expect((await form("/dashboard/logout", {}, { cookie })).status).toBe(403);
    // Nothing was saved: still version 1.
    expect((((await (await admin("/models/sales", keys.secretKey)).json()) as { version: number }).version)).toBe(1);
    // With the token it goes through.
    const ok = await form("/dashboard/models/sales", { document: doc, action: "save", _csrf: token }, { cookie });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/dashboard/models/sales?saved=1");
  });
});

describe("dashboard pages", () => {
  it("sends the security headers on pages, redirects and the landing page", async () => {
    const { keys } = await siteWithLeads();
    const cookie = await login(keys);
    for (const res of [await get("/dashboard/", cookie), await get("/dashboard/login"), await get("/dashboard/"), await get("/")]) {
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await get("/dashboard/", cookie)).headers.get("cache-control")).toBe("no-store");
  });

  it("sends the whole policy exactly (hono/secure-headers), on assets too, where the asset's own cache policy stays", async () => {
    const policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    const pageRes = await get("/dashboard/login");
    const html = await pageRes.text();
    const asset = /<link rel="stylesheet" href="(\/dashboard\/assets\/[^"]+)"/.exec(html)![1]!;
    for (const res of [pageRes, await get("/"), await get(asset), await get("/dashboard/nope")]) {
      expect(res.headers.get("content-security-policy")).toBe(policy);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    }
    expect(pageRes.headers.get("cache-control")).toBe("no-store");
    expect((await get("/")).headers.get("cache-control")).toBe("no-store");
    expect((await get(asset)).headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("has no inline script, inline style or style attribute (the CSP would block them)", async () => {
    const { keys, ids } = await siteWithLeads();
    const cookie = await login(keys);
    for (const path of ["/dashboard/", `/dashboard/leads/${ids.hot}`, "/dashboard/models/sales", "/dashboard/review", "/dashboard/install", "/dashboard/alerts", "/dashboard/models", "/dashboard/keys"]) {
      const { res, html } = await page(path, cookie);
      expect(res.status, path).toBe(200);
      expect(html, path).not.toMatch(/<script>|<script [^>]*>[^<]|<style|<[a-z][^>]*\s(style|on[a-z]+)=/i);
      expect(html.startsWith("<!doctype html><html lang=\"en\">"), path).toBe(true);
      expect(html).toMatch(/<a class="skip" href="#main">/);
      const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
      const js = /<script src="([^"]+)" defer/.exec(html)![1]!;
      expect((await get(css)).headers.get("content-type")).toContain("text/css");
      expect((await get(js)).headers.get("content-type")).toContain("javascript");
    }
  });

  it("escapes lead data: a lead named <img src=x onerror=alert(1)> renders as text", async () => {
    const { keys, ids } = await siteWithLeads();
    const cookie = await login(keys);
    for (const path of ["/dashboard/", `/dashboard/leads/${ids.xss}`, "/dashboard/?q=" + encodeURIComponent(XSS)]) {
      const { html } = await page(path, cookie);
      expect(html).not.toContain("<img");
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<b>x</b>");
      expect(html).not.toContain("<i>t</i>");
    }
    const list = (await page("/dashboard/", cookie)).html;
    expect(list).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const lead = (await page(`/dashboard/leads/${ids.xss}`, cookie)).html;
    expect(lead).toContain("<h1>&lt;img src=x onerror=alert(1)&gt;</h1>");
    expect(lead).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
  });

  it("links lead URLs only when they are http(s)", async () => {
    const keys = await createSite();
    const res = await admin("/events", keys.secretKey, {
      body: { email: "u@example.com", events: [event("page_view", { url: "javascript:alert(1)" }), event("page_view", { url: "https://shop.example/ok" })] },
    });
    const id = ((await res.json()) as { lead: string }).lead;
    const cookie = await login(keys);
    const { html } = await page(`/dashboard/leads/${id}`, cookie);
    expect(html).not.toMatch(/href="javascript:/i);
    if (html.includes("javascript:alert(1)")) expect(html).toContain("<span>javascript:alert(1)</span>");
    expect(html).toContain('<a href="https://shop.example/ok" rel="noopener noreferrer nofollow">');
  });

  it("lists leads hot to cold with tier badges, bars and filters, and paginates", async () => {
    const { keys, ids } = await siteWithLeads();
    const cookie = await login(keys);
    const { html } = await page("/dashboard/", cookie);
    const order = [ids.hot, ids.xss, ids.cold].map((id) => html.indexOf(`/dashboard/leads/${id}`));
    expect(order[0]).toBeGreaterThan(0);
    expect(order[0]).toBeLessThan(order[1]!);
    expect(html).toContain('<span class="badge t-top">hot</span>');
    expect(html).toMatch(/<svg class="bar"[^>]*aria-label="fit 15 of 50"/);
    const hotOnly = (await page("/dashboard/?tier=hot", cookie)).html;
    expect(hotOnly).toContain(ids.hot);
    expect(hotOnly).not.toContain(ids.cold);
    const search = (await page("/dashboard/?q=cold%40", cookie)).html;
    expect(search).toContain(ids.cold);
    expect(search).not.toContain(ids.hot);
    // Pagination: a cursor link when there are more than 50 leads.
    for (let i = 0; i < 51; i++) await admin("/events", keys.secretKey, { body: { email: `p${i}@example.com`, events: [event("page_view")] } });
    const first = (await page("/dashboard/", cookie)).html;
    const next = /href="(\/dashboard\/\?[^"]*cursor=[^"]+)" rel="next"/.exec(first)![1]!.replaceAll("&amp;", "&");
    const second = (await page(next, cookie)).html;
    expect(second).toContain("← First page");
    expect(second).not.toContain(`/dashboard/leads/${ids.hot}`);
  });

  it("explains a lead's score: categories, rules with hits and points now, disqualifiers, timeline", async () => {
    const { keys, ids } = await siteWithLeads();
    const cookie = await login(keys);
    const { html } = await page(`/dashboard/leads/${ids.hot}`, cookie);
    expect(html).toContain("<h1>Hana Hot</h1>");
    expect(html).toContain("Why this score");
    expect(html).toMatch(/aria-label="key: 32 of 50"/);
    expect(html).toMatch(/<code>demo<\/code>[\s\S]*?<td data-label="Hits" class="num">1<\/td><td data-label="Points now" class="num"><b>30<\/b>/);
    expect(html).toContain("<code>student</code>: <span class=\"yes\">does not match</span>");
    expect(html).toContain("Timeline");
    expect(html).toContain("demo_request");
    expect(html).toContain('action="/dashboard/leads/' + ids.hot + '/erase"');
    expect((await get("/dashboard/leads/ld_nope", cookie)).status).toBe(404);
  });

  it("asks for confirmation before erasing a lead", async () => {
    const { keys, ids } = await siteWithLeads();
    const cookie = await login(keys);
    const token = csrfOf((await page(`/dashboard/leads/${ids.cold}`, cookie)).html);
    const confirm = await form(`/dashboard/leads/${ids.cold}/erase`, { _csrf: token }, { cookie });
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain("Yes, erase permanently");
    expect(html).toContain('name="confirm" value="yes"');
    const done = await form(`/dashboard/leads/${ids.cold}/erase`, { _csrf: token, confirm: "yes" }, { cookie });
    // 303 once the API erases leads; until then a clear message, and the lead is still there.
    if (done.status === 303) {
      expect(done.headers.get("location")).toBe("/dashboard/?msg=erased");
      expect((await admin(`/leads/${ids.cold}`, keys.secretKey)).status).toBe(404);
    } else {
      expect(done.status).toBe(501);
      expect(await done.text()).toContain("Erasing is not available");
    }
  });

  it("model editor: shows the API's issues with their paths and keeps the text; previews movers; saves", async () => {
    const { keys } = await siteWithLeads();
    const cookie = await login(keys);
    const { html } = await page("/dashboard/models/sales", cookie);
    expect(html).toContain("&quot;demo_request&quot;");
    const token = csrfOf(html);
    const bad = JSON.stringify({ ...model, tiers: { warm: 40, hot: 30 }, rules: [{ id: "x", points: 5, when: { event: "nope" } }] }, null, 2);
    const res = await form("/dashboard/models/sales", { document: bad, action: "save", _csrf: token }, { cookie });
    expect(res.status).toBe(400);
    const out = await res.text();
    expect(out).toContain("<code>tiers.hot</code>");
    expect(out).toMatch(/<code>rules\.0\.when[^<]*<\/code>/);
    expect(out).toContain("&quot;nope&quot;"); // the user's text is kept
    const notJson = await form("/dashboard/models/sales", { document: "{ nope", action: "save", _csrf: token }, { cookie });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toContain("{ nope");
    // Broken JSON is located by line and column, in the preview and on save (the API's message).
    const broken = '{\n  "tiers": {"warm": 15,,\n}';
    for (const action of ["preview", "save"]) {
      const res = await form("/dashboard/models/sales", { document: broken, action, _csrf: token }, { cookie });
      expect(res.status, action).toBe(400);
      expect(await res.text(), action).toMatch(/not valid JSON: [^<]*\(line 2, column 24\)/);
    }
    // Nesting deep enough to overflow a recursive parser is an issue with its path, not a 5xx.
    const deep = await form("/dashboard/models/sales", { document: '{"rules":' + "[".repeat(5000) + "]".repeat(5000) + "}", action: "preview", _csrf: token }, { cookie });
    expect(deep.status).toBe(400);
    expect(await deep.text()).toMatch(/<code>rules(\.0)+[^<]*<\/code>: nests deeper than/);

    // Preview: demo worth 5 instead of 30 drops the hot lead.
    const edited = JSON.stringify({ ...model, rules: model.rules.map((r) => (r.id === "demo" ? { ...r, points: 5 } : r)) });
    const pv = await form("/dashboard/models/sales", { document: edited, action: "preview", _csrf: token }, { cookie });
    expect(pv.status).toBe(200);
    const pvHtml = await pv.text();
    expect(pvHtml).toMatch(/<b>0<\/b> leads move up, <b>1<\/b> down/);
    expect(pvHtml).toContain("Hana Hot");
    expect((((await (await admin("/models/sales", keys.secretKey)).json()) as { version: number }).version)).toBe(1);

    const saved = await form("/dashboard/models/sales", { document: edited, action: "save", _csrf: token }, { cookie });
    expect(saved.status).toBe(303);
    const after = (await page("/dashboard/models/sales?saved=1", cookie)).html;
    expect(after).toContain("Saved as version 2");
    expect(after).toMatch(/data-progress="\/dashboard\/models\/sales\/status"/);
    const status = (await (await get("/dashboard/models/sales/status", cookie)).json()) as { status: string; total: number };
    expect(["running", "done"]).toContain(status.status);
  });

  it("review: a clear state without the report route, charts from a report", async () => {
    const { keys } = await siteWithLeads();
    const cookie = await login(keys);
    const { res, html } = await page("/dashboard/review?model=sales&days=30", cookie);
    expect(res.status).toBe(200);
    const api = await admin("/report?model=sales&days=30", keys.secretKey);
    if (api.status === 404) expect(html).toContain("No report yet");
    else expect(html).toContain("Scores, converted vs not");

    // Typed as the API's own Report: a field renamed in worker/report/report.ts fails here too.
    const lead = (id: string, name: string | null, score: number, tier: string) => ({ id, email: null, name, score, tier, converted: true, convertedAt: 5, value: 120, rules: ["demo"] });
    const figures = { category: "key", points: 30, must: false, disqualify: false, rate: 0.3, rateWithout: 0.1 };
    const report: Report = {
      model: "sales",
      version: 1,
      days: 30,
      since: 0,
      generatedAt: 1,
      scoreBasis: "now",
      leads: 44,
      stale: 2,
      sampled: false,
      converted: { count: 4, averageScore: 41.5, value: 480 },
      notConverted: { count: 40, averageScore: 12.25 },
      onTrack: true,
      auc: 0.81,
      lowScorersConverted: { threshold: 15, count: 1, leads: [lead("ld_low", XSS, 3, "cold")] },
      highScorersNotConverted: { threshold: 30, count: 0, leads: [] },
      rules: [
        { ...figures, id: "demo", leads: 10, converted: 3, lift: 3.2 },
        { ...figures, id: "visit", points: 2, leads: 40, converted: 4, lift: 0.8 },
      ],
      tiers: [
        { tier: "disqualified", min: null, leads: 0, converted: 0, rate: null },
        { tier: "cold", min: null, leads: 30, converted: 1, rate: 0.0333 },
        { tier: "hot", min: 30, leads: 5, converted: 3, rate: 0.6 },
      ],
      histogram: {
        binWidth: 10,
        bins: [
          { from: 0, to: 10, converted: 0, notConverted: 30 },
          { from: 10, to: 20, converted: 1, notConverted: 8 },
          { from: 20, to: 30, converted: 3, notConverted: 2 },
        ],
      },
      suggestedModel: model,
      suggestedAuc: 0.86,
      suggested: {
        currentAuc: 0.8,
        regressionAuc: 0.88,
        trainingAuc: 0.9,
        beatsCurrent: true,
        split: { method: "70/30 by lead id", train: 31, holdout: 13, holdoutConverted: 2 },
        features: 12,
        rules: [],
        note: null,
      },
      sources: [],
    };
    const out = String(await ReviewPage({ site: { name: "s" }, csrf: "t", models: ["sales"], model: "sales", days: 30, report, state: "ok" }));
    expect(out).toContain('<svg class="chart"');
    expect(out.match(/<rect class="c1"/g)).toHaveLength(3);
    expect(out).toContain("demo: lift 3.2");
    expect(out).toContain("0.81");
    expect(out).toContain("On track");
    expect(out).toContain("Use the suggested model");
    expect(out).toContain('action="/dashboard/models/sales"');
    expect(out).toContain("&lt;img src=x");
    expect(out).not.toContain("<img");
    // The figures come from the report's own fields.
    expect(out).toContain("44 leads active in the window, scored as of now. 2 are still being rescored");
    expect(out).toContain("avg score 41.5");
    expect(out).toContain("avg score 12.25");
    expect(out).toContain("30% / 10%");
    expect(out).toContain("60%");
    expect(out).toContain('href="/dashboard/leads/ld_low"');
    expect(String(await ReviewPage({ site: { name: "s" }, csrf: "t", models: ["sales"], model: "sales", days: 30, report: { ...report, onTrack: false }, state: "ok" }))).toContain("Off track");
  });

  it("install page: the site's snippet, the optional attributes, and how to sign identify calls", async () => {
    const keys = await createSite();
    const cookie = await login(keys);
    const { html } = await page("/dashboard/install", cookie);
    expect(html).toContain(`&lt;script async src=&quot;${HOST}/es.js&quot; data-site=&quot;${keys.publicKey}&quot;&gt;&lt;/script&gt;`);
    expect(html).toContain('data-copy="snippet"');
    for (const a of ["data-api", "data-consent", "data-cookieless", "data-spa"]) expect(html).toContain(a);
    expect(html).not.toContain(keys.secretKey);
    // Verified identity: a browser identify is only a claim; the server signs the email.
    expect(html).toContain("Verified identity");
    expect(html).toContain("is only a claim");
    expect(html).toContain("edgescore(&#39;identify&#39;, { email }, { signature });");
    expect(html).toContain(".createHmac(&#39;sha256&#39;, IDENTITY_SECRET)");
    expect(html).toContain(".update(email.trim().toLowerCase())");
    expect(html).toContain('href="/dashboard/keys"');
  });

  it("identity claims: the leads list shows a \"claims x@y\" badge as text and an \"unverified\" marker", () => {
    const base = { name: null, score: 0, fit: 0, interest: 0, tier: "cold", code: 0, readiness: 0, lastSeen: Date.now() };
    const leads: LeadListItem[] = [
      { ...base, id: "ld_claim", email: null, identity: "claimed", claimedEmail: `${XSS}@evil.example` },
      { ...base, id: "ld_owner", email: "owner@example.com", identity: "verified", claimedEmail: null },
      { ...base, id: "ld_anon", email: null, identity: null, claimedEmail: null },
    ];
    const html = String(
      LeadsPage({ site: { name: "s" }, csrf: "t", models: [], model: null, tiers: [], fitMax: 1, interestMax: 1, filters: { tier: "", q: "", cursor: "" }, leads, next: null, error: null, notice: null }),
    );
    expect(html).toContain('<span class="claim">claims &lt;img src=x onerror=alert(1)&gt;@evil.example</span>');
    expect(html).not.toContain("<img");
    expect(html.match(/class="badge unv"/g)).toHaveLength(1);
    const row = (id: string) => html.slice(html.indexOf(`/dashboard/leads/${id}`), html.indexOf("</tr>", html.indexOf(`/dashboard/leads/${id}`)));
    expect(row("ld_claim")).toContain("unverified");
    expect(row("ld_owner")).not.toContain("unverified");
    expect(row("ld_owner")).not.toContain("claims");
  });

  it("identity claims: the lead page says who the claimed email belongs to and offers a merge form (text only)", () => {
    const detail: LeadDetail = {
      lead: {
        id: "ld_claim",
        email: null,
        name: null,
        phone: null,
        country: null,
        traits: {},
        firstSeen: 1,
        lastSeen: 2,
        eventCount: 1,
        converted: false,
        convertedAt: null,
        identity: "claimed",
        claimedEmail: "ceo@victim.example",
        claimHolder: { id: "ld_ceo", email: "ceo@victim.example", name: XSS },
      },
      scores: [],
      timeline: [],
      sessions: [],
      alerts: [],
      conversions: [],
    };
    const html = String(LeadPage({ site: { name: "s" }, csrf: "tok", detail, model: null, tiers: {} }));
    expect(html).toContain(
      'This visitor claimed to be <b>ceo@victim.example</b>, which belongs to <a href="/dashboard/leads/ld_ceo">&lt;img src=x onerror=alert(1)&gt;</a>. Claims are not verified: merge only if you know they are the same person.',
    );
    expect(html).toMatch(/<form method="post" action="\/dashboard\/leads\/ld_claim\/merge"><input type="hidden" name="_csrf" value="tok"\/><button type="submit" class="sec">Merge into that lead…<\/button>/);
    expect(html).not.toContain("<img");
    // A claim nobody else holds: the notice, no merge form.
    const alone = String(LeadPage({ site: { name: "s" }, csrf: "tok", detail: { ...detail, lead: { ...detail.lead, claimHolder: null } }, model: null, tiers: {} }));
    expect(alone).toContain("This visitor claimed to be <b>ceo@victim.example</b>. Claims are not verified.");
    expect(alone).not.toContain("/merge");
    // No claim: no notice.
    const none = String(LeadPage({ site: { name: "s" }, csrf: "tok", detail: { ...detail, lead: { ...detail.lead, claimedEmail: null, identity: null, claimHolder: null } }, model: null, tiers: {} }));
    expect(none).not.toContain("claimed to be");
  });

  it("identity claims: merging a claimed lead needs a confirm step and the CSRF token, targets the holder the API names, then opens it", async () => {
    const keys = await createSite();
    const owner = ((await (await admin("/events", keys.secretKey, { body: { email: "owner@example.com", traits: { name: "Olga Owner" }, events: [event("page_view")] } })).json()) as { lead: string }).lead;
    const other = ((await (await admin("/events", keys.secretKey, { body: { email: "other@example.com", events: [event("page_view")] } })).json()) as { lead: string }).lead;
    const claimer = ((await (await admin("/events", keys.secretKey, { body: { visitor: "v-claimer", events: [event("page_view")] } })).json()) as { lead: string }).lead;
    const cookie = await login(keys);
    const token = csrfOf((await page("/dashboard/", cookie)).html);
    // No claim yet: nothing to merge into.
    const nothing = await form(`/dashboard/leads/${claimer}/merge`, { _csrf: token, confirm: "yes" }, { cookie });
    expect(nothing.status).toBe(404);
    expect(await nothing.text()).toContain("nothing to merge it into");

    // The claim as ingest stores it (worker/ingest): identity "claimed", the claimed email aside.
    await env.DB.prepare("UPDATE leads SET identity = 'claimed', claimed_email = 'owner@example.com' WHERE id = ?1").bind(claimer).run();
    const detail = (await (await admin(`/leads/${claimer}`, keys.secretKey)).json()) as LeadDetail;
    if (detail.lead.claimHolder === undefined) return; // the API does not report claims yet: the component tests above cover the pages
    expect(detail.lead.claimHolder?.id).toBe(owner);
    const list = (await page("/dashboard/", cookie)).html;
    expect(list).toContain("claims owner@example.com");
    expect(list).toContain('class="badge unv"');
    const leadHtml = (await page(`/dashboard/leads/${claimer}`, cookie)).html;
    expect(leadHtml).toContain(`which belongs to <a href="/dashboard/leads/${owner}">Olga Owner</a>`);

    // Without the token: refused. Without confirm: the confirm page, nothing merged.
    expect((await form(`/dashboard/leads/${claimer}/merge`, { confirm: "yes" }, { cookie })).status).toBe(403);
    const confirm = await form(`/dashboard/leads/${claimer}/merge`, { _csrf: token, into: other }, { cookie });
    expect(confirm.status).toBe(200);
    const ch = await confirm.text();
    // (an anonymous lead is labelled, not shown as its raw id: issue 15)
    expect(ch).toContain("Merge Anonymous #" + claimer.slice(-4) + " into Olga Owner?");
    expect(ch).toContain("Nothing verified that claim");
    expect(ch).toContain('name="confirm" value="yes"');
    expect((await admin(`/leads/${claimer}`, keys.secretKey)).status).toBe(200);
    // Confirmed: merged into the holder, whatever "into" a tampered form names.
    const done = await form(`/dashboard/leads/${claimer}/merge`, { _csrf: token, confirm: "yes", into: other }, { cookie });
    if (done.status === 501) return; // the merge route has not landed
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`/dashboard/leads/${owner}?msg=merged`);
    expect((await page(`/dashboard/leads/${owner}?msg=merged`, cookie)).html).toContain("The leads were merged into this one.");
    const [v] = await rows<{ lead_id: string }>("SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2", keys.id, "v-claimer");
    expect(v?.lead_id).toBe(owner);
    expect((((await (await admin(`/leads/${other}`, keys.secretKey)).json()) as LeadDetail).lead.eventCount)).toBe(1);
  });

  it("alerts page lists alerts with a retry form for failed ones", async () => {
    const keys = await createSite();
    await admin("/models/m", keys.secretKey, {
      method: "PUT",
      body: { tiers: { warm: 1, hot: 2 }, rules: [{ id: "v", points: 5, when: { event: "page_view" } }], triggers: [{ id: "hot-now", when: { tier: "hot" } }] },
    });
    await admin("/events", keys.secretKey, { body: { email: "a@example.com", events: [event("page_view")] } });
    const cookie = await login(keys);
    const { res, html } = await page("/dashboard/alerts", cookie);
    expect(res.status).toBe(200);
    if (!html.includes("does not list alerts yet")) {
      expect(html).toContain("hot-now");
      expect(html).toContain("a@example.com");
    }
    await env.DB.prepare("UPDATE alerts SET status = 'failed' WHERE site_id = ?1").bind(keys.id).run();
    const failed = (await page("/dashboard/alerts?status=failed", cookie)).html;
    if (!failed.includes("does not list alerts yet")) {
      const action = /<form method="post" action="(\/dashboard\/alerts\/[^"]+\/retry)">/.exec(failed)![1]!;
      const r = await form(action, { _csrf: csrfOf(failed) }, { cookie });
      expect(r.status).toBe(303);
      expect(r.headers.get("location")).toBe("/dashboard/alerts?msg=retried");
    }
  });

  it("landing page: a product page, or the demo sites when DEMO_KEYS is set", async () => {
    const plain = await (await get("/")).text();
    expect(plain).toContain("EdgeScore");
    expect(plain).toContain('href="/dashboard/login"');
    const shop = await createSite();
    const demo = JSON.stringify({ shop: { id: shop.id, name: "Demo shop", publicKey: shop.publicKey, secretKey: shop.secretKey }, dealer: { name: "D", secretKey: "sk_x" } });
    const res = await createApp().request("/", {}, { ...env, DEMO_KEYS: demo });
    const html = await res.text();
    expect(html).toContain('href="/demo/shop/"');
    expect(html).toContain('href="/demo/dealer/"');
    expect(html).not.toContain('href="/demo/saas/"');
    expect(html).toContain(`<input type="hidden" name="key" value="${shop.secretKey}"/>`);
    expect(html).toContain("Open the dashboard as Shop");
    const broken = await (await createApp().request("/", {}, { ...env, DEMO_KEYS: "{not json" })).text();
    expect(broken).toContain('href="/dashboard/login"');
  });
});
