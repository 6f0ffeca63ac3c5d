// Finding 5: the visitor id is the browser's only credential for its hints and
// promo code, so /v1/hints and /v1/recommendations never take it from a URL:
// POST it in the body (text/plain or JSON) or GET with X-EdgeScore-Visitor.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admin, call, collect, createSite, event, ORIGIN, type Keys } from "../support/api";

const H = "X-EdgeScore-Visitor";
type Hints = { tier: string; promo: { code: string; message: string } | null; recommendations: { id: string; reason: string }[] };
type Items = { items: { id: string; name: string; reason: string }[] };
type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };

const model = {
  tiers: { warm: 10, hot: 30 },
  rules: [{ id: "cart", points: 10, when: { event: "cart" } }],
  promos: [{ id: "welcome", when: { tier: "warm" }, codes: ["WELCOME-A1"], message: "10% off today" }],
};
const catalog = Array.from({ length: 25 }, (_, i) => ({ id: `p${i}`, name: `Product ${i}`, category: i < 5 ? "shoes" : "other", price: 10 + i }));

/** A site whose visitor `ann` is warm and holds the promo code, and has a 25-product catalog. */
async function warmSite(): Promise<Keys> {
  const site = await createSite();
  await admin("/models/shop", site.secretKey, { method: "PUT", body: model });
  await admin("/products", site.secretKey, { method: "PUT", body: { products: catalog } });
  const res = await collect({ site: site.publicKey, visitor: "ann", events: [event("product_view", { props: { id: "p3" } }), event("cart")] });
  expect(((await res.json()) as { hints: Hints }).hints.promo?.code).toBe("WELCOME-A1");
  return site;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "text/plain;charset=UTF-8", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (path: string, headers: Record<string, string> = {}) => call(path, { headers: { origin: ORIGIN, ...headers } });

describe("finding 5: no visitor in a URL", () => {
  it("a GET whose query names the visitor gets 400 visitor_in_url (also with a Referer, also for a known visitor)", async () => {
    const site = await warmSite();
    for (const path of [`/v1/hints?site=${site.publicKey}&visitor=ann`, `/v1/recommendations?site=${site.publicKey}&visitor=ann&limit=2`]) {
      // The old attack: curl with a Referer from an allowed origin read any visitor's promo.
      const res = await call(path, { headers: { referer: `${ORIGIN}/page` } });
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("visitor_in_url");
      expect(body.error.message).toContain(H);
      expect(JSON.stringify(body)).not.toContain("WELCOME");
      // Readable by the page (CORS headers), so its developer sees why.
      expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    }
    // Even an empty value, and even on a POST whose body is fine.
    expect((await get(`/v1/hints?site=${site.publicKey}&visitor=`)).status).toBe(400);
    const p = await post(`/v1/hints?visitor=ann`, { site: site.publicKey, visitor: "ann" });
    expect(p.status).toBe(400);
    expect(((await p.json()) as ErrorBody).error.code).toBe("visitor_in_url");
  });

  it("POST /v1/hints with a text/plain body returns the visitor's hints and promo", async () => {
    const site = await warmSite();
    const res = await post("/v1/hints", { site: site.publicKey, visitor: "ann" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ tier: "warm", promo: { code: "WELCOME-A1", message: "10% off today" } });
    // application/json works too (a preflighted request from other clients).
    const json = await post("/v1/hints", { site: site.publicKey, visitor: "ann", recommend: 2, product: "p3" }, { "content-type": "application/json" });
    const h = (await json.json()) as Hints;
    expect(h.promo?.code).toBe("WELCOME-A1");
    expect(h.recommendations).toHaveLength(2);
    expect(h.recommendations.map((r) => r.id)).not.toContain("p3");
    // No visitor: the cold default, and no code.
    expect(await (await post("/v1/hints", { site: site.publicKey })).json()).toEqual({ tier: "cold", promo: null, segments: [], recommendations: [] });
  });

  it("GET /v1/hints reads the visitor from the X-EdgeScore-Visitor header; ETag, private no-cache, Vary on the header", async () => {
    const site = await warmSite();
    const res = await get(`/v1/hints?site=${site.publicKey}`, { [H]: "ann" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Hints).promo?.code).toBe("WELCOME-A1");
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const vary = (res.headers.get("vary") ?? "").split(/\s*,\s*/).map((v) => v.toLowerCase());
    expect(vary).toEqual(expect.arrayContaining(["origin", H.toLowerCase()]));
    const etag = res.headers.get("etag");
    // hono/etag: a strong ETag, the SHA-1 of the body.
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const again = await get(`/v1/hints?site=${site.publicKey}`, { [H]: "ann", "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // The 304 keeps what the 200 said about caching, and the CORS header the page needs to read it.
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toBe("private, no-cache");
    expect(again.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((again.headers.get("vary") ?? "").split(/\s*,\s*/).map((v) => v.toLowerCase())).toEqual(expect.arrayContaining(["origin", H.toLowerCase()]));
    // A list of tags that holds it matches too; a POST is never answered 304.
    expect((await get(`/v1/hints?site=${site.publicKey}`, { [H]: "ann", "if-none-match": `"nope", ${etag}` })).status).toBe(304);
    const posted = await call("/v1/hints", { method: "POST", headers: { origin: ORIGIN, "if-none-match": etag! }, body: JSON.stringify({ site: site.publicKey, visitor: "ann" }) });
    expect(posted.status).toBe(200);
    // Another visitor: another body, so another ETag; the header is what decides.
    const other = await get(`/v1/hints?site=${site.publicKey}`, { [H]: "bob", "if-none-match": etag! });
    expect(other.status).toBe(200);
    expect(((await other.json()) as Hints).promo).toBeNull();
  });

  it("POST /v1/recommendations personalizes for the body's visitor; GET with the header gives the same", async () => {
    const site = await warmSite();
    // ann viewed p3 (shoes): her categories come first; p3 itself is the current product.
    const res = await post("/v1/recommendations", { site: site.publicKey, visitor: "ann", product: "p3", limit: 3 });
    expect(res.status).toBe(200);
    const items = ((await res.json()) as Items).items;
    expect(items.map((i) => i.reason)).toEqual(["category", "category", "category"]);
    expect(items.map((i) => i.id)).not.toContain("p3");
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const viaHeader = await get(`/v1/recommendations?site=${site.publicKey}&product=p3&limit=3`, { [H]: "ann" });
    expect(((await viaHeader.json()) as Items).items).toEqual(items);
    expect(viaHeader.headers.get("cache-control")).toBe("private, no-cache");
  });

  it("an anonymous GET of recommendations is shared-cacheable for a minute, varying on Origin and the visitor header", async () => {
    const site = await warmSite();
    const res = await get(`/v1/recommendations?site=${site.publicKey}&limit=2`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Items).items.map((i) => i.reason)).toEqual(["popular", "popular"]);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    const vary = (res.headers.get("vary") ?? "").split(/\s*,\s*/).map((v) => v.toLowerCase());
    // A cached anonymous answer must never be served to a request that names a visitor.
    expect(vary).toEqual(expect.arrayContaining(["origin", H.toLowerCase()]));
  });

  it("counts above 20 are clamped, not refused", async () => {
    const site = await warmSite();
    const res = await post("/v1/recommendations", { site: site.publicKey, limit: 500 });
    expect(((await res.json()) as Items).items).toHaveLength(20);
    const q = await get(`/v1/recommendations?site=${site.publicKey}&limit=50`);
    expect(((await q.json()) as Items).items).toHaveLength(20);
  });

  it("the preflight allows POST and the X-EdgeScore-Visitor header for an allowed origin only", async () => {
    const site = await createSite();
    for (const path of ["/v1/hints", "/v1/recommendations"]) {
      const ok = await call(`${path}?site=${site.publicKey}`, {
        method: "OPTIONS",
        headers: { origin: ORIGIN, "access-control-request-method": "GET", "access-control-request-headers": "x-edgescore-visitor" },
      });
      expect(ok.status, path).toBe(204);
      expect(ok.headers.get("access-control-allow-origin")).toBe(ORIGIN);
      expect(ok.headers.get("access-control-allow-methods")).toMatch(/\bPOST\b/);
      expect((ok.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/)).toContain("x-edgescore-visitor");
      const evil = await call(`${path}?site=${site.publicKey}`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "GET", "access-control-request-headers": "x-edgescore-visitor" },
      });
      expect(evil.status, path).toBe(403);
      expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("keys and origins are checked as before: 401 unknown key, 403 other origin", async () => {
    const site = await warmSite();
    expect((await post("/v1/hints", { site: "pk_nope", visitor: "ann" })).status).toBe(401);
    const evil = await post("/v1/hints", { site: site.publicKey, visitor: "ann" }, { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(JSON.stringify(await evil.json())).not.toContain("WELCOME");
    expect((await get(`/v1/recommendations?site=${site.publicKey}`, { origin: "https://evil.example", [H]: "ann" })).status).toBe(403);
  });
});

describe("finding 5: bad input gets a 4xx with paths, never a 5xx", () => {
  it("lists every invalid body field with its path", async () => {
    const res = await post("/v1/recommendations", { site: 5, visitor: "", product: "x".repeat(200), limit: -1, recommend: 1.5 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues!.map((i) => i.path).sort()).toEqual(["limit", "product", "recommend", "site", "visitor"]);
  });

  it("refuses bodies that are not a JSON object, too large, or invalid UTF-8", async () => {
    for (const b of ["", "not json", "[]", "null", "42", '"s"']) {
      const res = await post("/v1/hints", b);
      expect(res.status, b).toBe(400);
    }
    expect((await post("/v1/hints", JSON.stringify({ site: "pk_x", pad: "x".repeat(70_000) }))).status).toBe(413);
    const bad = await call("/v1/hints", { method: "POST", headers: { origin: ORIGIN }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(bad.status).toBe(400);
    expect((await post("/v1/hints", '{"site":"pk_x","__proto__":{"x":1}}')).status).toBe(400);
  });

  it("an invalid X-EdgeScore-Visitor header is a 400 naming the header", async () => {
    const site = await createSite();
    const res = await get(`/v1/hints?site=${site.publicKey}`, { [H]: "v".repeat(300) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.issues!.map((i) => i.path)).toEqual([H]);
  });

  it("property: no body, query or header gets a 5xx; every error has the SPEC shape", async () => {
    const site = await warmSite();
    const nasty = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.constantFrom("__proto__", "constructor", "\u0000", "\ud800", "%00", "pk_nope", site.publicKey, "ann", "x".repeat(300)),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: "small" }, nasty, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(fc.string(), tie("v"), { maxKeys: 4 })),
    })).v;
    const body = fc.oneof(
      jsonish,
      fc.record(
        { site: fc.oneof(fc.constant(site.publicKey), nasty), visitor: nasty, product: nasty, limit: nasty, recommend: nasty },
        { requiredKeys: [] },
      ),
    );
    const str = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(site.publicKey, "ann", "500", "-1", "1e3", "%ff", "%00"));
    const query = fc.dictionary(fc.constantFrom("site", "product", "limit", "recommend", "visitor", "x"), str, { maxKeys: 4 });
    const header = fc.option(fc.oneof(fc.string({ maxLength: 200 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constant("ann")), { nil: undefined });
    const check = async (res: Response) => {
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        const b = (await res.json()) as ErrorBody;
        expect(typeof b.error.code).toBe("string");
        expect(typeof b.error.message).toBe("string");
      } else await res.arrayBuffer();
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/v1/hints", "/v1/recommendations"), body, fc.constantFrom("text/plain", "application/json"), async (path, b, type) => {
        let text: string;
        try {
          text = JSON.stringify(b) ?? "";
        } catch {
          text = "";
        }
        await check(await post(path, text, { "content-type": type }));
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/v1/hints", "/v1/recommendations"), query, header, async (path, q, h) => {
        await check(await get(`${path}?${new URLSearchParams(q)}`, h === undefined ? {} : { [H]: h }));
      }),
      { numRuns: 150 },
    );
  });
});
