import { describe, expect, it } from "vitest";
import { admin, call, collect, countRows, createSite, event, ORIGIN, rows } from "../support/api";

const model = (codes: string[], extra: Record<string, unknown> = {}) => ({
  tiers: { warm: 10, hot: 30 },
  rules: [
    { id: "cart", points: 10, when: { event: "cart" } },
    { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
  ],
  promos: [{ id: "welcome", when: { tier: "warm" }, codes, message: "10% off today" }],
  ...extra,
});

type Hints = { tier: string; promo: { code: string; message: string } | null; segments: string[]; score?: number };
const hintsOf = async (res: Response) => ((await res.json()) as { hints: Hints }).hints;
// The visitor id travels in a header, never in the URL (finding 5).
const getHints = (pk: string, visitor: string, headers: Record<string, string> = {}) =>
  call(`/v1/hints?site=${pk}`, { headers: { origin: ORIGIN, "x-edgescore-visitor": visitor, ...headers } });

describe("promo codes", () => {
  it("gives a qualifying lead one code, the same one every time, and never one code twice", async () => {
    const site = await createSite();
    await admin("/models/shop", site.secretKey, { method: "PUT", body: model(["WELCOME-B2", "WELCOME-A1"]) });
    const send = (visitor: string, events: unknown[]) => collect({ site: site.publicKey, visitor, events });

    expect(await hintsOf(await send("ann", [event("page_view")]))).toMatchObject({ tier: "cold", promo: null });
    const warm = await hintsOf(await send("ann", [event("cart")]));
    expect(warm).toEqual({ tier: "warm", promo: { code: "WELCOME-A1", message: "10% off today" }, segments: ["tier:warm", "qualified", "promo:welcome"], recommendations: [] });
    // Again, and through GET /v1/hints: the same code.
    expect((await hintsOf(await send("ann", [event("page_view")]))).promo?.code).toBe("WELCOME-A1");
    expect(((await (await getHints(site.publicKey, "ann")).json()) as Hints).promo?.code).toBe("WELCOME-A1");

    expect((await hintsOf(await send("bob", [event("cart")]))).promo?.code).toBe("WELCOME-B2");
    // The list is exhausted: a third warm shopper gets none.
    expect(await hintsOf(await send("cy", [event("cart")]))).toMatchObject({ tier: "warm", promo: null });
    // Disqualified leads get none, whatever their tier would be.
    expect(await hintsOf(await send("dee", [event("cart"), event("cart")], ))).toMatchObject({ promo: null });
    const dq = await collect({ site: site.publicKey, visitor: "eve", events: [event("cart"), event("identify", { props: { occupation: "student" } })] });
    expect(await hintsOf(dq)).toEqual({ tier: "disqualified", promo: null, segments: ["disqualified"], recommendations: [] });

    const held = await rows<{ code: string; lead_id: string | null }>("SELECT code, lead_id FROM promo_codes ORDER BY code");
    expect(held.map((h) => h.code)).toEqual(["WELCOME-A1", "WELCOME-B2"]);
    expect(new Set(held.map((h) => h.lead_id)).size).toBe(2);

    // More codes: the next qualifying request (or hints read) of a waiting lead gets one.
    const add = await admin("/promos/shop/welcome/codes", site.secretKey, { body: { codes: ["WELCOME-C3", "WELCOME-A1"] } });
    expect(await add.json()).toEqual({ added: 1 });
    expect(((await (await getHints(site.publicKey, "cy")).json()) as Hints).promo?.code).toBe("WELCOME-C3");

    const list = (await (await admin("/promos", site.secretKey)).json()) as { promos: { promo: string; available: number; codes: { code: string; lead: { id: string } | null }[] }[] };
    expect(list.promos).toHaveLength(1);
    expect(list.promos[0]!.available).toBe(0);
    expect(list.promos[0]!.codes.map((c) => [c.code, !!c.lead])).toEqual([
      ["WELCOME-A1", true],
      ["WELCOME-B2", true],
      ["WELCOME-C3", true],
    ]);
  });

  it("30 concurrent leads racing for 10 codes: 10 distinct winners, 20 without", async () => {
    const site = await createSite();
    const codes = Array.from({ length: 10 }, (_, i) => `RACE-${String(i).padStart(2, "0")}`);
    await admin("/models/shop", site.secretKey, { method: "PUT", body: model(codes) });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => collect({ site: site.publicKey, visitor: `racer-${i}`, events: [event("cart")] })));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    const got = (await Promise.all(results.map(hintsOf))).map((h) => h.promo?.code ?? null);
    const winners = got.filter((c): c is string => c !== null);
    expect(winners).toHaveLength(10);
    expect(new Set(winners)).toEqual(new Set(codes));
    expect(got.filter((c) => c === null)).toHaveLength(20);
    const db = await rows<{ n: number; leads: number }>("SELECT count(*) AS n, count(DISTINCT lead_id) AS leads FROM promo_codes WHERE lead_id IS NOT NULL");
    expect(db[0]).toEqual({ n: 10, leads: 10 });
  });

  it("hints carry no personal data, the score only with exposeScore, and revalidate with an ETag", async () => {
    const site = await createSite();
    await admin("/models/shop", site.secretKey, { method: "PUT", body: model(["X1"]) });
    await collect({ site: site.publicKey, visitor: "pii", events: [event("cart"), event("identify", { props: { email: "pat@example.com", name: "Pat Doe", phone: "+44 20 7946 0000" } })] });
    const res = await getHints(site.publicKey, "pii");
    const text = await res.text();
    expect(text).not.toMatch(/pat@example|Pat Doe|7946/);
    expect(JSON.parse(text)).toMatchObject({ tier: "warm", promo: { code: "X1" } });
    expect(JSON.parse(text).score).toBeUndefined();
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const etag = res.headers.get("etag")!;
    expect((await getHints(site.publicKey, "pii", { "if-none-match": etag })).status).toBe(304);
    // A tier change changes the answer: no stale promo.
    await collect({ site: site.publicKey, visitor: "pii", events: [event("identify", { props: { occupation: "student" } })] });
    const after = await getHints(site.publicKey, "pii", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ tier: "disqualified", promo: null });

    await admin("/models/shop", site.secretKey, { method: "PUT", body: model(["X1"], { exposeScore: true }) });
    await collect({ site: site.publicKey, visitor: "open", events: [event("cart")] });
    expect(((await (await getHints(site.publicKey, "open")).json()) as Hints).score).toBe(10);
  });

  it("unknown visitors are cold; hints need a known key and an allowed origin", async () => {
    const site = await createSite();
    expect(await (await getHints(site.publicKey, "nobody")).json()).toEqual({ tier: "cold", promo: null, segments: [], recommendations: [] });
    expect((await call(`/v1/hints?site=pk_nope`, { headers: { origin: ORIGIN, "x-edgescore-visitor": "x" } })).status).toBe(401);
    expect((await call(`/v1/hints?site=${site.publicKey}`, { headers: { origin: "https://evil.example", "x-edgescore-visitor": "x" } })).status).toBe(403);
    expect((await call(`/v1/hints`, { headers: { origin: ORIGIN, "x-edgescore-visitor": "x" } })).status).toBe(400);
    expect(await countRows("promo_codes")).toBe(0);
  });
});
