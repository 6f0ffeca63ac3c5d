// End-to-end: the built snippet in real Chromium against the real Worker
// (`wrangler dev`, local D1), from pages on another origin under a strict CSP.
import { createHmac } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launch, UA } from "../support/browser";
import { type Dev, STUB, startDev } from "../support/dev-server";

const run = haveChromium();
let dev: Dev;
let browser: Browser & { cleanup(): Promise<void> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(f: () => Promise<T | undefined | false>, ms = 25_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await sleep(250);
  }
}
const newPage = async (): Promise<Page> => (await browser.newContext({ userAgent: UA })).newPage();
const visitorOf = async (p: Page): Promise<string | undefined> => (await p.evaluate(() => localStorage.getItem("es_v"))) || undefined;
const eventsOf = (visitor: string) =>
  dev.sql<{ type: string; name: string | null; url: string; props: string | null; id: string; session_id: string }>(
    `select type, name, url, props, id, session_id from events where visitor_id = '${visitor}' order by ts, n`,
  );

describe.skipIf(!run)("snippet in Chromium", () => {
  beforeAll(async () => {
    dev = await startDev();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.cleanup();
    await dev?.stop();
  });

  it("records session_start and page_view, and the page sees no error", async () => {
    const url = dev.page("/home?utm_source=news&utm_campaign=spring", `<!doctype html><title>Home</title>${dev.tag()}<h1>Home</h1>`);
    const page = await newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // (the pages server has no favicon: that 404 is not ours)
    page.on("console", (m) => m.type() == "error" && !/status of 404/.test(m.text()) && errors.push(m.text()));
    await page.goto(url);
    const v = await until(() => visitorOf(page));
    const evs = await until(async () => {
      const e = await eventsOf(v);
      return e.length >= 2 && e;
    });
    expect(evs.map((e) => e.type)).toEqual(["session_start", "page_view"]);
    expect(JSON.parse(evs[0]!.props!)).toMatchObject({ utm_source: "news", utm_campaign: "spring" });
    expect(evs[1]!.url).toBe(url);
    expect(errors).toEqual([]);
  });

  it("records SPA navigation once per URL change", async () => {
    const url = dev.page("/spa", `<!doctype html><title>SPA</title>${dev.tag()}`);
    const page = await newPage();
    await page.goto(url);
    const v = await until(() => visitorOf(page));
    await page.evaluate(() => {
      history.pushState(null, "", "/spa/one");
      history.pushState(null, "", "/spa/one");
      history.replaceState({ s: 1 }, "", "/spa/one");
      history.pushState(null, "", "/spa/two");
      location.hash = "#section"; // an anchor: no page view, and never sent
    });
    await sleep(100);
    await page.evaluate(() => (location.hash = "#/tab")); // a hash route: a page view
    const pvs = await until(async () => {
      const e = (await eventsOf(v)).filter((e) => e.type == "page_view");
      return e.length >= 4 && e;
    });
    await sleep(1500);
    const everything = await eventsOf(v);
    const all = everything.filter((e) => e.type == "page_view");
    expect(all.map((e) => new URL(e.url).pathname + new URL(e.url).hash)).toEqual(["/spa", "/spa/one", "/spa/two", "/spa/two#/tab"]);
    expect(JSON.stringify(everything)).not.toContain("section");
    expect(pvs.length).toBe(4);
  }, 90_000);

  it("delivers a trial_signup form that navigates away, without password or hidden values; its email identifies the visitor's lead", async () => {
    dev.page("/thanks", `<!doctype html><title>Thanks</title><p>thanks</p>`);
    const url = dev.page(
      "/signup",
      `<!doctype html><title>Signup</title>${dev.tag()}
      <form data-es-event="trial_signup" action="/thanks" method="get">
        <input name="email" type="email" value="trial@example.com">
        <input name="company" value="Acme">
        <input name="password" type="password" value="hunter2">
        <input name="csrf" type="hidden" value="s3cr3t-token">
        <input name="cardnumber" value="4111 1111 1111 1111">
        <button id="go">Start trial</button>
      </form>`,
    );
    const page = await newPage();
    await page.goto(url);
    const v = await until(() => visitorOf(page));
    // Submit at once: the event can only leave with the beacon on page hide.
    await Promise.all([page.waitForURL(/\/thanks/), page.click("#go")]);
    const evs = await until(async () => {
      const e = await eventsOf(v);
      return e.some((x) => x.type == "trial_signup") && e;
    });
    const t = evs.find((e) => e.type == "trial_signup")!;
    expect(JSON.parse(t.props!)).toEqual({ email: "trial@example.com", company: "Acme" });
    const raw = JSON.stringify(await dev.sql(`select props from events where visitor_id = '${v}'`));
    expect(raw).not.toMatch(/hunter2|s3cr3t|4111/);
    const lead = await until(async () => {
      const r = await dev.sql<{ email: string | null }>(`select l.email from visitors v join leads l on l.id = v.lead_id where v.id = '${v}'`);
      return r[0]?.email ? r[0] : undefined;
    });
    expect(lead.email).toBe("trial@example.com");
  }, 90_000);

  it("identify: an unsigned identify of an email a lead holds does not merge (a claim); a signed one does", async () => {
    const url = dev.page("/id", `<!doctype html><title>Id</title><script>${STUB}</script>${dev.tag()}`);
    const EMAIL = "merge@example.com";
    // What the site's backend computes for its signed-in user (the snippet only passes it on).
    const sign = (email: string) => createHmac("sha256", dev.keys.identitySecret).update(email.trim().toLowerCase()).digest("hex");
    const leadOf = async (v: string) =>
      (
        await until(async () => {
          const r = await dev.sql<{ lead_id: string; email: string | null; claimed_email: string | null; identity: string | null }>(
            `select v.lead_id, l.email, l.claimed_email, l.identity from visitors v join leads l on l.id = v.lead_id where v.id = '${v}'`,
          );
          return r[0] && (r[0].email || r[0].claimed_email) ? r[0] : undefined;
        }, 60_000)
      );
    const browse = async (opts?: { signature: string }) => {
      const page = await newPage();
      await page.goto(url);
      await page.evaluate(([email, o]) => window.edgescore!("identify", { email, name: "Mia" }, o), [" Merge@Example.com ", opts] as const);
      return until(() => visitorOf(page));
    };
    // Browser 1: the site's signed-in user, signed: the verified lead of the email.
    const v1 = await browse({ signature: sign(EMAIL) });
    const owner = await leadOf(v1);
    expect(owner).toMatchObject({ email: EMAIL, identity: "verified" });
    // Browser 2 only says the email: it stays its own lead, marked as claiming it.
    const v2 = await browse();
    const claimer = await leadOf(v2);
    expect(claimer.lead_id).not.toBe(owner.lead_id);
    expect(claimer).toMatchObject({ email: null, claimed_email: EMAIL });
    // Browser 3 proves it (the same user on another device): merged into the lead.
    const v3 = await browse({ signature: sign(EMAIL) });
    expect((await leadOf(v3)).lead_id).toBe(owner.lead_id);
  }, 120_000);

  it("finding 6: a GET form with password and token fields leaves no secret in any stored URL", async () => {
    const welcome = dev.page("/welcome", `<!doctype html><title>Welcome</title>${dev.tag()}<p>hi</p>`);
    const url = dev.page(
      "/login?reset=r3set-code#access_token=t0k3n",
      `<!doctype html><title>Login</title>${dev.tag()}
      <form action="/welcome" method="get">
        <input name="user" value="ann@example.com">
        <input name="pw" type="password" value="hunter2">
        <input name="token" type="hidden" value="s3cr3t-token">
        <input name="utm_source" type="hidden" value="mail">
        <button id="go">Sign in</button>
      </form>`,
    );
    const page = await newPage();
    await page.goto(url);
    const v = await until(() => visitorOf(page));
    await Promise.all([page.waitForURL(/\/welcome\?/), page.click("#go")]);
    // The browser's URL has them all; the snippet sent none of them.
    expect(page.url()).toContain("pw=hunter2");
    const evs = await until(async () => {
      const e = await eventsOf(v);
      return e.some((x) => x.type == "page_view" && x.url.startsWith(welcome)) && e;
    }, 60_000);
    const raw = JSON.stringify(await dev.sql(`select url, ref, props from events where visitor_id = '${v}'`));
    expect(raw).not.toMatch(/hunter2|s3cr3t|r3set|t0k3n|ann%40|ann@|pw=|token=|user=/);
    const pv = evs.find((x) => x.type == "page_view" && x.url.startsWith(welcome))!;
    expect(pv.url).toBe(`${welcome}?utm_source=mail`);
    expect(evs.find((x) => x.type == "page_view")!.url).toBe(`${dev.pages}/login`);
  }, 90_000);

  it("finding 5: visitor and session ids are 8 time chars + 32 hex chars; recommend POSTs and no URL carries the visitor", async () => {
    const url = dev.page("/recs", `<!doctype html><title>Recs</title><script>${STUB}</script>${dev.tag("", "es.personalize.js")}`);
    const page = await newPage();
    const requests: { url: string; method: string; body: string | null; headers: Record<string, string> }[] = [];
    page.on("request", (r) => r.url().startsWith(dev.worker + "/v1/") && requests.push({ url: r.url(), method: r.method(), body: r.postData(), headers: r.headers() }));
    await page.goto(url);
    const v = await until(() => visitorOf(page));
    expect(v).toMatch(/^[0-9a-z]{8}[0-9a-f]{32}$/);
    expect(await page.evaluate(() => localStorage.getItem("es_s"))).toMatch(/^[0-9a-z]{8}[0-9a-f]{32}\.\d+$/);
    const [res, items] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(dev.worker + "/v1/recommendations")),
      page.evaluate(() => new Promise((done) => window.edgescore!("recommend", { limit: 2, product: "sku-1" }, done))),
    ]);
    expect(res.status()).toBe(200);
    expect(items).toEqual([]);
    const rec = requests.find((r) => r.url.includes("/v1/recommendations"))!;
    expect(rec.url).toBe(dev.worker + "/v1/recommendations");
    expect(rec.method).toBe("POST");
    expect(rec.headers["content-type"]).toMatch(/^text\/plain/);
    expect(JSON.parse(rec.body!)).toEqual({ site: dev.keys.publicKey, visitor: v, limit: 2, product: "sku-1" });
    await until(async () => (await eventsOf(v)).length >= 2);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const r of requests) expect(r.url).not.toContain(v);
  });

  it("finding 5: a page can GET its hints with the X-EdgeScore-Visitor header across origins (the preflight allows it)", async () => {
    const url = dev.page("/hdr", `<!doctype html><title>Hdr</title>${dev.tag()}`);
    const page = await newPage();
    await page.goto(url);
    const v = await until(() => visitorOf(page));
    const out = await page.evaluate(
      async ([api, site, visitor]) => {
        const r = await fetch(`${api}/v1/hints?site=${site}`, { headers: { "X-EdgeScore-Visitor": visitor! } });
        const inUrl = await fetch(`${api}/v1/hints?site=${site}&visitor=${visitor}`);
        return { status: r.status, body: await r.json(), inUrl: inUrl.status, code: ((await inUrl.json()) as { error: { code: string } }).error.code };
      },
      [dev.worker, dev.keys.publicKey, v] as const,
    );
    expect(out).toMatchObject({ status: 200, body: { tier: "cold", promo: null }, inUrl: 400, code: "visitor_in_url" });
  });

  it("es.js (no personalization) answers recommend with [] and sends no request for it", async () => {
    const url = dev.page("/norecs", `<!doctype html><title>NoRecs</title><script>${STUB}</script>${dev.tag()}`);
    const page = await newPage();
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await page.goto(url);
    await until(() => visitorOf(page));
    expect(await page.evaluate(() => new Promise((done) => window.edgescore!("recommend", { limit: 2 }, done)))).toEqual([]);
    await sleep(500);
    expect(urls.filter((u) => u.includes("/v1/recommendations"))).toEqual([]);
  });

  it("with data-consent=required sends and stores nothing until consent", async () => {
    const url = dev.page("/consent", `<!doctype html><title>Consent</title>${dev.tag('data-consent="required"')}`);
    const page = await newPage();
    const posts: string[] = [];
    page.on("request", (r) => r.url().includes("/v1/") && posts.push(r.url()));
    await page.goto(url);
    await sleep(2500);
    expect(posts).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    await page.evaluate(() => window.edgescore!("consent", true));
    const v = await until(() => visitorOf(page));
    const evs = await until(async () => {
      const e = await eventsOf(v);
      return e.length >= 2 && e;
    });
    expect(evs.map((e) => e.type)).toEqual(["session_start", "page_view"]);
  });

  it("keeps a failed send and resends it on the next page without double counting", async () => {
    const a = dev.page("/retry-a", `<!doctype html><title>A</title>${dev.tag()}`);
    const b = dev.page("/retry-b", `<!doctype html><title>B</title>${dev.tag()}`);
    const page = await newPage();
    // Page A: the first request reaches the Worker but its answer is lost; later ones fail outright.
    let n = 0;
    await page.route("**/v1/collect", async (r) => {
      if (n++ == 0) await r.fetch().catch(() => {});
      await r.abort();
    });
    await page.goto(a);
    const v = await until(() => visitorOf(page));
    await until(() => page.evaluate(() => (JSON.parse(localStorage.getItem("es_r") || "[]") as unknown[]).length > 0));
    await page.unroute("**/v1/collect");
    await page.goto(b);
    const evs = await until(async () => {
      const e = await eventsOf(v);
      return e.some((x) => x.url == b) && e;
    });
    await sleep(1500);
    const all = await eventsOf(v);
    const pvA = all.filter((e) => e.type == "page_view" && e.url == a);
    expect(pvA).toHaveLength(1);
    expect(all.filter((e) => e.type == "session_start")).toHaveLength(1);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(evs.length).toBeGreaterThanOrEqual(3);
    // The queue empties once the resend is answered (on a busy machine that can take seconds).
    const queue = await until(async () => {
      const q = await page.evaluate(() => localStorage.getItem("es_r"));
      return q === "[]" && q;
    }).catch(() => page.evaluate(() => localStorage.getItem("es_r")));
    expect(queue).toBe("[]");
  });

  it("a throwing hints callback does not reach the page", async () => {
    const url = dev.page(
      "/hints",
      `<!doctype html><title>Hints</title><script>${STUB}</script>${dev.tag()}<p data-es-tier="cold warm hot" id="t">tiered</p>`,
    );
    const page = await newPage();
    await page.addInitScript(() => {
      (window as any).__errors = 0;
      (window as any).__calls = 0;
      window.onerror = () => {
        (window as any).__errors++;
      };
      window.addEventListener("unhandledrejection", () => (window as any).__errors++);
    });
    await page.goto(url);
    await page.evaluate(() =>
      window.edgescore!("hints", () => {
        (window as any).__calls++;
        throw new Error("boom");
      }),
    );
    await page.evaluate(() => window.edgescore!("track", "ping"));
    await sleep(2500);
    const [calls, errors] = await page.evaluate(() => [(window as any).__calls, (window as any).__errors]);
    expect(errors).toBe(0);
    // When the Worker answers with hints the callback ran (and threw) and tiered content is shown.
    if (calls > 0) expect(await page.evaluate(() => document.getElementById("t")!.hidden)).toBe(false);
  });

  it("sends nothing from a browser that reports navigator.webdriver", async () => {
    const bot = await launch({ automation: true });
    try {
      const page = await (await bot.newContext({ userAgent: UA })).newPage();
      const posts: string[] = [];
      page.on("request", (r) => r.url().includes("/v1/") && posts.push(r.url()));
      await page.goto(dev.page("/bot", `<!doctype html><title>Bot</title>${dev.tag()}`));
      expect(await page.evaluate(() => navigator.webdriver)).toBe(true);
      await sleep(2000);
      await page.evaluate(() => window.edgescore!("track", "x"));
      await page.close();
      await sleep(500);
      expect(posts).toEqual([]);
    } finally {
      await bot.cleanup();
    }
  });

  it("issue 15: under automation it prints its one line; data-allow-automation makes it run (Playwright as is)", async () => {
    const bot = await launch({ automation: true });
    try {
      const ctx = await bot.newContext();
      const page = await ctx.newPage();
      const info: string[] = [];
      page.on("console", (m) => m.type() == "info" && info.push(m.text()));
      await page.goto(dev.page("/bot-explained", `<!doctype html><title>Bot</title>${dev.tag()}`));
      await until(async () => info.length > 0);
      await sleep(1500);
      expect(info).toEqual(["EdgeScore: off, automation or bot (data-allow-automation)"]);

      const allowed = await ctx.newPage();
      const lines: string[] = [];
      allowed.on("console", (m) => m.type() == "info" && lines.push(m.text()));
      await allowed.goto(dev.page("/bot-allowed", `<!doctype html><title>Allowed</title>${dev.tag("data-allow-automation data-debug")}`));
      const v = await until(() => visitorOf(allowed));
      const evs = await until(async () => {
        const e = await eventsOf(v);
        return e.length >= 2 && e;
      });
      expect(evs.map((e) => e.type)).toEqual(["session_start", "page_view"]);
      // data-debug: the batch it sent, as sent
      expect(lines.some((l) => l.startsWith("EdgeScore: send ") && JSON.parse(l.slice(16)).visitor == v)).toBe(true);
    } finally {
      await bot.cleanup();
    }
  }, 90_000);

  it("issue 15: on an origin the site does not allow it prints the worker's reason (origin, exact match) and stores nothing", async () => {
    // localhost and 127.0.0.1 are different origins: the site allows only the second.
    const url = dev.page("/refused", `<!doctype html><title>Refused</title>${dev.tag()}`).replace("127.0.0.1", "localhost");
    const page = await newPage();
    const info: string[] = [];
    page.on("console", (m) => m.type() == "info" && info.push(m.text()));
    await page.goto(url);
    const line = await until(async () => info.find((l) => /allowed origins/.test(l)));
    expect(line).toBe(
      `EdgeScore: Origin "${new URL(url).origin}" is not in this site's allowed origins; they match exactly (scheme, host and port). Add it in the dashboard (Setup) or with PATCH /v1/admin/sites/:id {"origins": [...]}.`,
    );
    expect(info).toHaveLength(1);
    const v = await visitorOf(page);
    expect(await dev.sql(`select id from events where visitor_id = '${v}'`)).toEqual([]);
  }, 90_000);
});
