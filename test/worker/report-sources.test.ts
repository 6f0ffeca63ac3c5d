// Attribution (issue 13 part 3) on a built set: leads arrive from the browser with their first
// touch (UTM on the session start or in the landing URL, an outside referrer, direct, an internal
// referrer), one lead only server-side; some turn hot, some convert. The report's `sources` and
// the review page's table must show exactly these counts; a later visit never rewrites a lead's
// first touch; beacon text is rendered as text.
import { describe, expect, it } from "vitest";
import { ReviewPage } from "../../worker/dashboard/pages/review";
import { SourcesSection } from "../../worker/dashboard/pages/review-sources";
import type { Report } from "../../worker/dashboard/types";
import { admin, call, collect, createSite, event, rows, uid } from "../support/api";

const model = {
  tiers: { warm: 10, hot: 20 },
  rules: [{ id: "pricing", category: "interest", points: 20, when: { event: "page_view", path: "/pricing" }, limit: { times: 1, per: "lead" } }],
};
const XSS = `<img src=x onerror="alert(1)">`;

const google = { referrer: "https://www.google.com/search", utm_source: "google", utm_medium: "cpc", utm_campaign: "spring" };
const pricing = () => event("page_view", { url: "https://shop.example/pricing" });

// visitor → [session_start props (null: no session start), landing URL, extra events, converts]
const VISITORS: Record<string, [Record<string, string> | null, string, () => unknown[], boolean]> = {
  g1: [google, "https://shop.example/", () => [pricing()], true],
  g2: [google, "https://shop.example/cars", () => [pricing()], false],
  g3: [google, "https://shop.example/", () => [], false],
  n1: [null, "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=may", () => [], true],
  n2: [null, "https://shop.example/deals?utm_source=newsletter&utm_medium=email&utm_campaign=may", () => [], false],
  r1: [{ referrer: "https://news.example.com/article?id=3" }, "https://shop.example/blog", () => [pricing()], true],
  d1: [{}, "https://shop.example/", () => [], false],
  // A referrer from the site itself is navigation, not a source.
  d2: [{ referrer: "https://shop.example/other" }, "https://shop.example/", () => [], false],
  x1: [{ utm_source: XSS, utm_campaign: `</text><script>alert(2)</script>` }, "https://shop.example/", () => [], false],
};

type Sources = Report["sources"];

describe("attribution: sources in the review", () => {
  it("counts leads, hot leads and conversions per first-touch source and campaign, exactly", async () => {
    const site = await createSite();
    expect((await admin("/models/main", site.secretKey, { method: "PUT", body: model })).status).toBe(201);
    const visitor: Record<string, string> = {};
    for (const [k, [props, landing, extra, converts]] of Object.entries(VISITORS)) {
      visitor[k] = uid(`v${k}`);
      const t0 = Date.now() - 60_000;
      const start = props ? [event("session_start", { url: landing, props, ts: t0 })] : [];
      const res = await collect({ site: site.publicKey, visitor: visitor[k], session: uid("s"), events: [...start, event("page_view", { url: landing, ts: t0 + 1 }), ...extra()] });
      expect(res.status, k).toBe(200);
      if (converts) expect((await admin("/conversions", site.secretKey, { body: { visitor: visitor[k] } })).status).toBe(201);
    }
    // A later visit of g3 from another campaign adds evidence but does not rewrite its first touch.
    const later = await collect({
      site: site.publicKey,
      visitor: visitor.g3,
      session: uid("s"),
      events: [event("session_start", { url: "https://shop.example/x", props: { utm_source: "facebook", utm_campaign: "summer" } })],
    });
    expect(later.status).toBe(200);
    // A lead known only from the server (no page view): its source is unknown.
    expect((await admin("/events", site.secretKey, { body: { email: "crm@example.com", events: [event("custom", { name: "email_open", url: undefined })] } })).status).toBe(200);

    const [g3] = await rows("SELECT l.first_utm_source, l.first_utm_campaign, l.first_referrer, l.first_landing FROM leads l JOIN visitors v ON v.lead_id = l.id WHERE v.id = ?1", visitor.g3);
    expect(g3).toEqual({ first_utm_source: "google", first_utm_campaign: "spring", first_referrer: "www.google.com", first_landing: "/" });
    const [r1] = await rows("SELECT l.first_utm_source, l.first_referrer, l.first_landing FROM leads l JOIN visitors v ON v.lead_id = l.id WHERE v.id = ?1", visitor.r1);
    expect(r1).toEqual({ first_utm_source: null, first_referrer: "news.example.com", first_landing: "/blog" });

    const res = await admin("/report?model=main", site.secretKey);
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    expect(r.leads).toBe(10);
    const row = (source: string, medium: string | null, campaign: string | null, leads: number, hot: number, conversions: number, rate: number) => ({ source, medium, campaign, leads, hot, conversions, rate });
    // Most leads first; ties by source in code-point order.
    expect(r.sources).toEqual<Sources>([
      row("google", "cpc", "spring", 3, 2, 1, 0.3333),
      row("(direct)", null, null, 2, 0, 0, 0),
      row("newsletter", "email", "may", 2, 0, 1, 0.5),
      row("(unknown)", null, null, 1, 0, 0, 0),
      row(XSS, null, "</text><script>alert(2)</script>", 1, 0, 0, 0),
      row("news.example.com", null, null, 1, 1, 1, 1),
    ]);

    // The page: the same figures, sortable, every beacon string as text.
    const html = String(await ReviewPage({ site: { name: "s" }, csrf: "t", models: ["main"], model: "main", days: 30, report: r, state: "ok", sort: "rate" }));
    expect(html).toContain("Where leads come from");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain('<svg class="chart" viewBox="0 0 480 164" role="img" aria-labelledby="src-title src-desc">');
    // Sorted by conversion rate: news.example.com (100 %) first, then newsletter (50 %), google (33.3 %).
    const order = [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th><td>/g)].map((m) => m[1]);
    expect(order.slice(0, 3)).toEqual(["news.example.com", "newsletter", "google"]);
    expect(html).toContain('<td class="num">33.3%</td>');
    expect(html).toContain('href="/dashboard/review?model=main&amp;days=30&amp;sort=hot#h-sources"');
    expect(html).toMatch(/aria-sort="descending"><span>Conversion rate ▾<\/span>/);
  });

  it("an imported history keeps its first touch too, and a re-import does not move it", async () => {
    const site = await createSite();
    const t0 = Date.now() - 86_400_000;
    const line = (events: unknown[]) => JSON.stringify({ email: "hist@example.com", events });
    const first = line([
      { id: "h1", type: "page_view", ts: t0 + 1000, url: "https://shop.example/later" },
      { id: "h0", type: "page_view", ts: t0, url: "https://shop.example/landing?utm_source=crm&utm_medium=email&utm_campaign=winter" },
    ]);
    const post = (body: string) => call("/v1/admin/import", { method: "POST", headers: { authorization: `Bearer ${site.secretKey}`, "content-type": "application/x-ndjson" }, body });
    expect((await post(first)).status).toBe(200);
    const touch = () => rows("SELECT first_touch_at, first_utm_source, first_utm_medium, first_utm_campaign, first_landing FROM leads WHERE site_id = ?1", site.id);
    const want = [{ first_touch_at: t0, first_utm_source: "crm", first_utm_medium: "email", first_utm_campaign: "winter", first_landing: "/landing" }];
    expect(await touch()).toEqual(want);
    // A later import with an earlier-looking visit from elsewhere adds evidence, never a new first touch.
    expect((await post(line([{ id: "h2", type: "page_view", ts: t0 + 5000, url: "https://shop.example/?utm_source=ads" }]))).status).toBe(200);
    expect(await touch()).toEqual(want);
  });

  it("shows an empty window plainly", () => {
    expect(String(SourcesSection({ rows: [], sort: "leads", model: "m", days: 30 }))).toContain("No lead was active in the window.");
  });
});
