import { describe, expect, it } from "vitest";
import { admin, call, collect, createSite, event, ORIGIN, rows, type Keys } from "../support/api";

const catalog = [
  { id: "boots", name: "Trail boots", category: "shoes", price: 120, url: "https://shop.example/p/boots", image: "https://shop.example/i/boots.jpg" },
  { id: "socks", name: "Wool socks", category: "socks", price: 12 },
  { id: "runners", name: "Runners", category: "shoes", price: 90 },
  { id: "cap", name: "Cap", category: "hats", price: 20 },
  { id: "sandals", name: "Sandals", category: "shoes", price: 40 },
  { id: "beanie", name: "Beanie", category: "hats", price: 18 },
];
const view = (id: string) => event("product_view", { props: { id } });

type Item = { id: string; reason: string };
/** GET /v1/recommendations; a `visitor=` in `q` travels in the X-EdgeScore-Visitor header, never the URL. */
async function recs(site: Keys, q: string): Promise<Item[]> {
  const params = new URLSearchParams(q);
  const visitor = params.get("visitor");
  params.delete("visitor");
  const headers: Record<string, string> = { origin: ORIGIN, ...(visitor === null ? {} : { "X-EdgeScore-Visitor": visitor }) };
  const res = await call(`/v1/recommendations?site=${site.publicKey}&${params}`, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Item[] }).items;
}

describe("recommendations", () => {
  it("co-viewed first, then the visitor's categories, then popular; never the current product or what was bought", async () => {
    const site = await createSite();
    expect(await (await admin("/products", site.secretKey, { method: "PUT", body: { products: catalog } })).json()).toEqual({ imported: 6 });
    // Sessions: boots+socks+runners, boots+socks, boots+cap. Popularity: beanie is viewed most.
    await collect({ site: site.publicKey, visitor: "a", session: "sa", events: [view("boots"), view("socks"), view("runners")] });
    await collect({ site: site.publicKey, visitor: "b", session: "sb", events: [view("boots")] });
    await collect({ site: site.publicKey, visitor: "b", session: "sb", events: [view("socks"), view("boots")] }); // boots again: counted once
    await collect({ site: site.publicKey, visitor: "c", session: "sc", events: [view("boots"), view("cap")] });
    for (let i = 0; i < 5; i++) await collect({ site: site.publicKey, visitor: `pop${i}`, events: [view("beanie")] });

    const co = await rows<{ a: string; b: string; n: number }>("SELECT a, b, n FROM co_views WHERE a = 'boots' ORDER BY b");
    expect(co).toEqual([
      { a: "boots", b: "cap", n: 1 },
      { a: "boots", b: "runners", n: 1 },
      { a: "boots", b: "socks", n: 2 },
    ]);
    const views = Object.fromEntries((await rows<{ id: string; views: number }>("SELECT id, views FROM products")).map((r) => [r.id, r.views]));
    expect(views).toEqual({ boots: 4, socks: 2, runners: 1, cap: 1, sandals: 0, beanie: 5 });

    // Visitor "c" viewed boots then the cap: hats, then shoes, on the boots page.
    expect((await recs(site, "visitor=c&product=boots&limit=6")).map((i) => [i.id, i.reason])).toEqual([
      ["socks", "viewed-together"],
      ["cap", "viewed-together"],
      ["runners", "viewed-together"],
      ["beanie", "category"],
      ["sandals", "category"],
    ]);
    // Unknown visitor and product: popular items, not an error.
    expect((await recs(site, "visitor=ghost&product=nope&limit=3")).map((i) => [i.id, i.reason])).toEqual([
      ["beanie", "popular"],
      ["boots", "popular"],
      ["socks", "popular"],
    ]);
    // What the visitor bought never comes back.
    await collect({ site: site.publicKey, visitor: "c", events: [event("purchase", { props: { order: "o1", value: 32, items: [{ id: "socks" }, { id: "cap" }] } })] });
    expect((await recs(site, "visitor=c&product=boots&limit=3")).map((i) => i.id)).toEqual(["runners", "beanie", "sandals"]);
    // Full product details travel with each item.
    const [first] = await recs(site, "visitor=ghost&product=socks&limit=1");
    expect(first).toEqual({ id: "boots", name: "Trail boots", category: "shoes", price: 120, url: "https://shop.example/p/boots", image: "https://shop.example/i/boots.jpg", reason: "viewed-together" });
  });

  it("learns the catalog from product_view events and bounds the rows a view writes", async () => {
    const site = await createSite();
    const res = await collect({ site: site.publicKey, visitor: "v", session: "s", events: [event("product_view", { props: { id: "tv-55", name: "TV 55\"", category: "tv", price: "499.5", image: "https://shop.example/tv.jpg" } })] });
    expect(res.status).toBe(200);
    expect(await rows("SELECT id, name, category, price, image, views FROM products")).toEqual([{ id: "tv-55", name: 'TV 55"', category: "tv", price: 499.5, image: "https://shop.example/tv.jpg", views: 1 }]);
    // Twelve more products in the same session: each new view pairs with at most the last 10.
    const more = Array.from({ length: 12 }, (_, i) => event("product_view", { props: { id: `p${i}` } }));
    await collect({ site: site.publicKey, visitor: "v", session: "s", events: more });
    expect(await rows("SELECT count(*) AS n FROM co_views WHERE a = 'p11'")).toEqual([{ n: 10 }]);
    const [s] = await rows<{ products: string }>("SELECT products FROM sessions WHERE id = 's'");
    expect(JSON.parse(s!.products)).toEqual(["p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11"]);
    // A product view of a known visitor: D1's own count of rows written.
    const one = await collect({ site: site.publicKey, visitor: "v", session: "s", events: [event("product_view", { props: { id: "p12" } })] });
    const written = Number(/written=(\d+)/.exec(one.headers.get("x-edgescore-d1") ?? "")?.[1]);
    // 2 event + 1 lead + 1 session + 1 product (+1: its page becomes its url, the first
    // time only) + 2×10 co-views = 26, on a site without a model.
    expect(written).toBe(26);
    const again = await collect({ site: site.publicKey, visitor: "v", session: "s", events: [event("product_view", { props: { id: "p12" } })] });
    // Already among the session's recent products: no co-view, just the view counted.
    expect(Number(/written=(\d+)/.exec(again.headers.get("x-edgescore-d1") ?? "")?.[1])).toBe(5);
  });

  it("hints carry recommendations when asked", async () => {
    const site = await createSite();
    await admin("/products", site.secretKey, { method: "PUT", body: { products: catalog } });
    const res = await call(`/v1/hints?site=${site.publicKey}&recommend=2&product=boots`, { headers: { origin: ORIGIN, "X-EdgeScore-Visitor": "x" } });
    const body = (await res.json()) as { recommendations: Item[] };
    expect(body.recommendations.map((i) => i.reason)).toEqual(["popular", "popular"]);
    expect(body.recommendations.map((i) => i.id)).not.toContain("boots");
  });

  it("validates the catalog import", async () => {
    const site = await createSite();
    const res = await admin("/products", site.secretKey, { method: "PUT", body: { products: [{ id: "" }, { id: "ok", price: -1 }] } });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(err.error.issues.map((i) => i.path)).toEqual(["products.0.id", "products.1.price"]);
  });
});
