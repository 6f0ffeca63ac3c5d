import { describe, expect, it } from "vitest";
import { admin, collect, createSite, event } from "../support/api";

const model = {
  tiers: { warm: 10, hot: 20 },
  rules: [{ id: "visit", category: "interest", points: 1, when: { event: "page_view" } }],
};

type List = { leads: { id: string; email: string | null; score: number; tier: string; lastSeen: number }[]; cursor: string | null };

describe("GET /v1/admin/leads", () => {
  it("ranks hot to cold, filters by tier, searches and paginates with a cursor", async () => {
    const site = await createSite();
    await admin("/models/m", site.secretKey, { method: "PUT", body: model });
    // Lead i gets i page views: scores 1..25.
    for (let i = 1; i <= 25; i++) {
      const events = Array.from({ length: i }, () => event("page_view"));
      if (i % 5 === 0) events.push(event("identify", { props: { email: `lead${i}@example.com` } }));
      await collect({ site: site.publicKey, visitor: `v${i}`, events });
    }
    const get = async (q: string) => (await (await admin(`/leads${q}`, site.secretKey)).json()) as List;

    const all = await get("?limit=500");
    expect(all.leads.map((l) => l.score)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    expect(all.cursor).toBeNull();

    const pages: number[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: List = await get(`?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      pages.push(...page.leads.map((l) => l.score));
      cursor = page.cursor;
    }
    expect(pages).toEqual(all.leads.map((l) => l.score));

    expect((await get("?tier=hot")).leads.map((l) => l.score)).toEqual([25, 24, 23, 22, 21, 20]);
    expect((await get("?tier=warm")).leads).toHaveLength(10);
    expect((await get("?tier=cold")).leads).toHaveLength(9);
    expect((await get("?q=lead1")).leads.map((l) => l.email)).toEqual(["lead15@example.com", "lead10@example.com"]);
    expect((await get("?q=%25")).leads).toEqual([]);
  });

  it("validates its query and knows unknown models and leads", async () => {
    const site = await createSite();
    expect((await admin("/leads?limit=0", site.secretKey)).status).toBe(400);
    expect((await admin("/leads?limit=abc", site.secretKey)).status).toBe(400);
    expect((await admin("/leads?model=nope", site.secretKey)).status).toBe(404);
    expect((await admin("/leads/ld_missing", site.secretKey)).status).toBe(404);
    expect((await admin("/leads?cursor=garbage", site.secretKey)).status).toBe(200);
  });

  it("never shows another site's lead", async () => {
    const a = await createSite();
    const b = await createSite();
    const res = await admin("/events", a.secretKey, { body: { email: "x@a.example", events: [event("chat")] } });
    const { lead } = (await res.json()) as { lead: string };
    expect((await admin(`/leads/${lead}`, a.secretKey)).status).toBe(200);
    expect((await admin(`/leads/${lead}`, b.secretKey)).status).toBe(404);
    expect(((await (await admin("/leads", b.secretKey)).json()) as List).leads).toEqual([]);
  });
});
