// End-to-end: the built snippet in real Chromium against the real Worker
// (`wrangler dev`, local D1), from pages on another origin under a strict CSP.
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
      location.hash = "#tab";
    });
    const pvs = await until(async () => {
      const e = (await eventsOf(v)).filter((e) => e.type == "page_view");
      return e.length >= 4 && e;
    });
    await sleep(1500);
    const all = (await eventsOf(v)).filter((e) => e.type == "page_view");
    expect(all.map((e) => new URL(e.url).pathname + new URL(e.url).hash)).toEqual(["/spa", "/spa/one", "/spa/two", "/spa/two#tab"]);
    expect(pvs.length).toBe(4);
  });

  it("delivers a trial_signup form that navigates away, without password or hidden values; identify merges the visitor", async () => {
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
  });

  it("identify from two browsers merges both visitors into the lead with that email", async () => {
    const url = dev.page("/id", `<!doctype html><title>Id</title><script>${STUB}</script>${dev.tag()}`);
    const visitors: string[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await newPage();
      await page.goto(url);
      await page.evaluate(() => window.edgescore!("identify", { email: "merge@example.com", name: "Mia" }));
      visitors.push(await until(() => visitorOf(page)));
    }
    const rows = await until(async () => {
      const r = await dev.sql<{ lead_id: string; email: string | null }>(
        `select v.lead_id, l.email from visitors v join leads l on l.id = v.lead_id where v.id in ('${visitors.join("','")}')`,
      );
      return r.length == 2 && r.every((x) => x.email == "merge@example.com") && r;
    });
    expect(rows[0]!.lead_id).toBe(rows[1]!.lead_id);
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
    expect(await page.evaluate(() => localStorage.getItem("es_r"))).toBe("[]");
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
});
