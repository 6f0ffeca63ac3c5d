// Finding 2: a product_view beacon is whatever the client says, and recommendations put a
// product's url and image into every visitor's page. Beacons may add products and fill empty
// fields with links on the site's own hosts; they never change an imported product (only its
// view count) nor a field a product already has.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, call, collect, createSite, event, ORIGIN, rows, type Keys } from "../support/api";

type Row = { id: string; name: string | null; category: string | null; price: number | null; url: string | null; image: string | null; views: number; imported: number };
type Item = { id: string; name: string | null; category: string | null; price: number | null; url: string | null; image: string | null; reason: string };
type ErrorBody = { error: { code: string; issues?: { path: string; message: string }[] } };

const boots = { id: "boots", name: "Trail boots", category: "shoes", price: 120, url: "https://shop.example/p/boots", image: "https://shop.example/i/boots.jpg" };
const evil = { name: "FREE iPhone, log in here", category: "scam", price: 0.01, url: "https://evil.example/phish", image: "javascript:alert(document.cookie)" };

const view = (props: Record<string, unknown>, url = `${ORIGIN}/p/${String(props.id)}`) => event("product_view", { url, props });
const beacon = (site: Keys, ...events: ReturnType<typeof view>[]) => collect({ site: site.publicKey, visitor: `v-${Math.random().toString(36).slice(2)}`, events });

async function product(site: Keys, id: string): Promise<Row | undefined> {
  const [r] = await rows<Row>(
    "SELECT p.id, p.name, p.category, p.price, p.url, p.image, p.views, p.imported FROM products p JOIN sites s ON s.id = p.site_id WHERE s.public_key = ?1 AND p.id = ?2",
    site.publicKey,
    id,
  );
  return r;
}

/** The public route as an anonymous page calls it: no visitor at all. */
async function recommendations(site: Keys, current = "none"): Promise<Item[]> {
  const res = await call(`/v1/recommendations?site=${site.publicKey}&product=${current}&limit=10`, { headers: { origin: ORIGIN } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Item[] }).items;
}

describe("finding 2: beacons cannot poison the catalog", () => {
  it("finding 2: a beacon with an imported product's id changes nothing but its views, in storage and in recommendations", async () => {
    const site = await createSite();
    const imp = await admin("/products", site.secretKey, { method: "PUT", body: { products: [boots, { id: "socks", name: "Wool socks", price: 12 }] } });
    expect(imp.status).toBe(200);
    const before = await recommendations(site);
    expect(before.find((i) => i.id === "boots")).toEqual({ ...boots, reason: "popular" });

    expect((await beacon(site, view({ id: "boots", ...evil }))).status).toBe(200);
    // Fields the import left empty stay empty too: an imported product is the merchant's.
    expect((await beacon(site, view({ id: "socks", ...evil, image: `${ORIGIN}/i/socks.jpg`, url: `${ORIGIN}/p/socks`, category: "shoes" }))).status).toBe(200);

    expect(await product(site, "boots")).toEqual({ ...boots, views: 1, imported: 1 });
    expect(await product(site, "socks")).toEqual({ id: "socks", name: "Wool socks", category: null, price: 12, url: null, image: null, views: 1, imported: 1 });
    const after = await recommendations(site);
    expect(after.find((i) => i.id === "boots")).toEqual({ ...boots, reason: "popular" });
    expect(after.find((i) => i.id === "socks")).toEqual({ id: "socks", name: "Wool socks", category: null, price: 12, url: null, image: null, reason: "popular" });
    expect(JSON.stringify(after)).not.toMatch(/evil|javascript|iPhone|scam/);
  });

  it("finding 2: javascript:, data: and off-site links from beacons are dropped; the page url stands in only when on-site", async () => {
    const site = await createSite();
    await beacon(
      site,
      view({ id: "a", name: "A", url: "javascript:alert(1)", image: "https://evil.example/a.png" }),
      view({ id: "b", name: "B", url: "JaVaScRiPt:alert(1)", image: "data:image/svg+xml,<svg onload=alert(1)>" }, "https://evil.example/p/b"),
      view({ id: "c", url: "//evil.example/c", image: "https://shop.example.evil.example/c.png" }),
      view({ id: "d", url: "https://user:pw@shop.example/p/d", image: "/i/d.png" }),
      view({ id: "e", url: "https://evilshop.example/p/e", image: "ftp://shop.example/e.png" }, "javascript:alert(1)"),
    );
    const got = Object.fromEntries((await rows<Row>("SELECT id, url, image FROM products ORDER BY id")).map((r) => [r.id, [r.url, r.image]]));
    expect(got).toEqual({
      a: [`${ORIGIN}/p/a`, null], // the page it was viewed on, which is on-site
      b: [null, null], // viewed "on" an off-site page: no stand-in either
      c: [`${ORIGIN}/p/c`, null],
      d: [`${ORIGIN}/p/d`, `${ORIGIN}/i/d.png`], // credentials refused; a relative image resolves on the page's host
      e: [null, null],
    });
    expect(JSON.stringify(await recommendations(site))).not.toMatch(/evil|javascript|data:|ftp:/i);
  });

  it("finding 2: a catalog host (a CDN) and subdomains of a wildcard origin are kept, other hosts are not", async () => {
    const site = await createSite([ORIGIN, "https://*.store.example"], { catalogHosts: ["img.cdn.example"] });
    await beacon(
      site,
      view({ id: "cdn", image: "https://img.cdn.example/x.png", url: "https://m.store.example/p/cdn" }),
      view({ id: "other", image: "https://other.cdn.example/x.png", url: "https://store.example/p/other" }),
      view({ id: "port", image: "http://shop.example:8080/x.png" }),
    );
    expect(await rows("SELECT id, url, image FROM products ORDER BY id")).toEqual([
      { id: "cdn", url: "https://m.store.example/p/cdn", image: "https://img.cdn.example/x.png" },
      // *.store.example allows subdomains, not the apex: the page url stands in.
      { id: "other", url: `${ORIGIN}/p/other`, image: null },
      { id: "port", url: `${ORIGIN}/p/port`, image: "http://shop.example:8080/x.png" },
    ]);
  });

  it("finding 2: a learned product keeps its first description: later beacons only fill what is empty", async () => {
    const site = await createSite();
    await beacon(site, view({ id: "tv", name: "TV 55", category: "tv", price: 499 }), view({ id: "tv", name: "Same batch, later", price: 1 }));
    await beacon(site, view({ id: "tv", name: "Cheap TV", category: "deals", price: "1", image: `${ORIGIN}/i/tv.jpg`, url: `${ORIGIN}/p/tv-real` }));
    await beacon(site, view({ id: "tv", image: `${ORIGIN}/i/other.jpg`, price: -5 }));
    expect(await product(site, "tv")).toEqual({ id: "tv", name: "TV 55", category: "tv", price: 499, url: `${ORIGIN}/p/tv`, image: `${ORIGIN}/i/tv.jpg`, views: 4, imported: 0 });
    // A price no import may set is not stored from a beacon either.
    await beacon(site, view({ id: "neg", price: -5 }), view({ id: "huge", price: 1e300 }));
    expect(await rows("SELECT id, price FROM products WHERE id IN ('neg', 'huge') ORDER BY id")).toEqual([
      { id: "huge", price: null },
      { id: "neg", price: null },
    ]);
  });

  it("finding 2: an import takes over a learned product: its fields win, a left-out field is kept, null clears", async () => {
    const site = await createSite();
    await beacon(site, view({ id: "cap", name: "Learned cap", category: "hats", price: 5, image: `${ORIGIN}/i/cap.jpg` }));
    const res = await admin("/products", site.secretKey, { method: "PUT", body: { products: [{ id: "cap", name: "Cap", price: 20, image: null }] } });
    expect(res.status).toBe(200);
    expect(await product(site, "cap")).toEqual({ id: "cap", name: "Cap", category: "hats", price: 20, url: `${ORIGIN}/p/cap`, image: null, views: 1, imported: 1 });
    await beacon(site, view({ id: "cap", image: `${ORIGIN}/i/cap2.jpg` }));
    expect((await product(site, "cap"))?.image).toBeNull();
    const list = (await (await admin("/products", site.secretKey)).json()) as { products: { id: string; imported: boolean }[] };
    expect(list.products).toEqual([expect.objectContaining({ id: "cap", imported: true, views: 2 })]);
  });

  it("finding 2: the import refuses links that are not absolute http(s) URLs, with their path", async () => {
    const site = await createSite();
    const res = await admin("/products", site.secretKey, {
      method: "PUT",
      body: { products: [{ id: "a", url: "javascript:alert(1)" }, { id: "b", image: "/i/b.png" }, { id: "c", url: "https://shop.example/c", image: "http://cdn.example/c.png" }] },
    });
    expect(res.status).toBe(400);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.issues).toEqual([
      { path: "products.0.url", message: "must be an absolute http(s) URL" },
      { path: "products.1.image", message: "must be an absolute http(s) URL" },
    ]);
    expect(await rows("SELECT id FROM products")).toEqual([]);
  });

  it("finding 2: rows stored before the fix never serve a non-http(s) link", async () => {
    const site = await createSite();
    const [s] = await rows<{ id: string }>("SELECT id FROM sites WHERE public_key = ?1", site.publicKey);
    await env.DB.prepare("INSERT INTO products (site_id, id, name, url, image, views, updated_at) VALUES (?1, 'old', 'Old', 'javascript:alert(1)', 'data:text/html,x', 3, 0)")
      .bind(s!.id)
      .run();
    expect(await recommendations(site)).toEqual([{ id: "old", name: "Old", category: null, price: null, url: null, image: null, reason: "popular" }]);
  });
});
