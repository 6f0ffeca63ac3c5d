// Finding 4 (promo farming) and the request limits, keyed on what a client
// cannot choose: its address (CF-Connecting-IP, set by Cloudflare), hashed with
// a daily salt and never stored.
import { describe, expect, it } from "vitest";
import { admin, call, createSite, event, OPERATOR, ORIGIN, rows } from "../support/api";

const beacon = (body: unknown, ip?: string) =>
  call("/v1/collect", {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "text/plain", ...(ip ? { "cf-connecting-ip": ip } : {}) },
    body: JSON.stringify(body),
  });
type Hints = { tier: string; promo: { code: string } | null };
const hintsOf = async (res: Response) => ((await res.json()) as { hints: Hints }).hints;

const promoModel = (promo: Record<string, unknown>) => ({
  tiers: { warm: 5 },
  rules: [{ id: "visit", points: 5, when: { event: "page_view" } }],
  promos: [{ id: "welcome", when: { tier: "warm" }, codes: Array.from({ length: 20 }, (_, i) => `W-${String(i).padStart(2, "0")}`), ...promo }],
});

describe("finding 4: one client rotating visitor ids cannot drain a promo", () => {
  it("caps codes per client, promo and day (3 by default); other clients still get theirs", async () => {
    const site = await createSite();
    expect((await admin("/models/shop", site.secretKey, { method: "PUT", body: promoModel({}) })).status).toBe(201);
    const got: (string | null)[] = [];
    for (let i = 0; i < 20; i++) got.push((await hintsOf(await beacon({ site: site.publicKey, visitor: `farm-${i}`, events: [event("page_view")] }, "203.0.113.7"))).promo?.code ?? null);
    expect(got.filter(Boolean)).toEqual(["W-00", "W-01", "W-02"]);
    // A real shopper elsewhere still gets a code, and so does one behind an IPv6 address.
    expect((await hintsOf(await beacon({ site: site.publicKey, visitor: "shopper", events: [event("page_view")] }, "198.51.100.23"))).promo?.code).toBe("W-03");
    expect((await hintsOf(await beacon({ site: site.publicKey, visitor: "v6-a", events: [event("page_view")] }, "2001:db8:1:2::1"))).promo?.code).toBe("W-04");
    // Rotating addresses inside one /64 is still one client.
    for (let i = 2; i < 6; i++) await beacon({ site: site.publicKey, visitor: `v6-${i}`, events: [event("page_view")] }, `2001:db8:1:2::${i}`);
    expect(await rows("SELECT code FROM promo_codes WHERE lead_id IS NOT NULL")).toHaveLength(7);
    // Nothing stored holds the address.
    const dump = JSON.stringify([await rows("SELECT * FROM promo_grants"), await rows("SELECT * FROM leads"), await rows("SELECT * FROM events"), await rows("SELECT * FROM sessions")]);
    expect(dump).not.toContain("203.0.113.7");
    expect(dump).not.toContain("2001:db8");
    expect((await rows<{ n: number }>("SELECT n FROM promo_grants ORDER BY n DESC"))[0]!.n).toBe(3);
  });

  it("a promo's per-client cap and evidence thresholds are honoured", async () => {
    const site = await createSite();
    const res = await admin("/models/shop", site.secretKey, { method: "PUT", body: promoModel({ perClientPerDay: 1, requires: { minPages: 2, minSessionSeconds: 30 } }) });
    expect(res.status).toBe(201);
    const t0 = Date.now() - 60_000;
    const pv = (path: string, ts: number) => event("page_view", { url: `https://shop.example${path}`, ts });
    // One page, no dwell time: warm, but no code yet.
    expect(await hintsOf(await beacon({ site: site.publicKey, visitor: "a", session: "sa", events: [pv("/", t0)] }, "192.0.2.10"))).toMatchObject({ tier: "warm", promo: null });
    // The same page again 40 s later: still one distinct page.
    expect((await hintsOf(await beacon({ site: site.publicKey, visitor: "a", session: "sa", events: [pv("/", t0 + 40_000)] }, "192.0.2.10"))).promo).toBeNull();
    // A second page: two pages over 40 s of session: the code.
    expect((await hintsOf(await beacon({ site: site.publicKey, visitor: "a", session: "sa", events: [pv("/shoes", t0 + 41_000)] }, "192.0.2.10"))).promo?.code).toBe("W-00");
    // The same client with another visitor id and the same evidence: capped at 1.
    await beacon({ site: site.publicKey, visitor: "b", session: "sb", events: [pv("/", t0), pv("/x", t0 + 45_000)] }, "192.0.2.10");
    expect(await rows("SELECT code FROM promo_codes WHERE lead_id IS NOT NULL")).toHaveLength(1);
    // Server-side signals are the site's own: neither cap nor evidence applies.
    const srv = await admin("/events", site.secretKey, { body: { email: "vip@example.com", events: [{ id: "s1", type: "page_view", ts: Date.now(), url: "https://shop.example/" }] } });
    expect(srv.status).toBe(200);
    expect(await rows("SELECT code FROM promo_codes WHERE lead_id IS NOT NULL")).toHaveLength(2);
  });

  it("refuses bad promo limits with their paths", async () => {
    const site = await createSite();
    const res = await admin("/models/shop", site.secretKey, { method: "PUT", body: promoModel({ perClientPerDay: 0, requires: { minPages: 50, other: 1 } }) });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["promos.0.perClientPerDay", "promos.0.requires.minPages"]));
  });
});

/**
 * The binding counts in fixed one-minute windows: a flood that straddles a
 * window boundary would be counted in two. Start with enough of a window left.
 */
async function freshWindow(need = 25_000) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < need) await new Promise((r) => setTimeout(r, left + 50));
}

/** n requests, 8 at a time; the statuses in request order. */
async function flood(n: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const out: number[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = (await send(i)).status;
    }
  }));
  return out;
}

describe("request limits on what the client cannot choose", () => {
  it("limits one client (600 a minute per site) whatever visitor ids it uses; others pass", { timeout: 90_000 }, async () => {
    const site = await createSite([ORIGIN], { rateLimits: { sitePerMinute: 1_000_000 } });
    await freshWindow();
    const statuses = await flood(601, (i) => beacon({ site: site.publicKey, visitor: `rot-${i}`, events: [event("page_view")] }, "203.0.113.99"));
    expect(statuses.filter((s) => s === 200)).toHaveLength(600);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const limited = await beacon({ site: site.publicKey, visitor: "rot-x", events: [event("page_view")] }, "203.0.113.99");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await beacon({ site: site.publicKey, visitor: "calm", events: [event("page_view")] }, "198.51.100.4")).status).toBe(200);
  });

  it("limits a site to its own per-minute limit across clients, and a visitor to its own", { timeout: 90_000 }, async () => {
    const small = await createSite([ORIGIN], { rateLimits: { sitePerMinute: 600 } });
    await freshWindow();
    const codes = await flood(601, (i) => beacon({ site: small.publicKey, visitor: `v${i}`, events: [event("page_view")] }, `198.18.${i >> 8}.${i & 255}`));
    expect(codes.filter((c) => c === 200)).toHaveLength(600);
    expect(codes.filter((c) => c === 429)).toHaveLength(1);
    // Another site is not affected by this one's flood.
    const other = await createSite();
    expect((await beacon({ site: other.publicKey, visitor: "v0", events: [event("page_view")] }, "198.18.9.1")).status).toBe(200);

    const tight = await createSite([ORIGIN], { rateLimits: { visitorPerMinute: 20 } });
    await freshWindow(5_000);
    const mine: number[] = [];
    for (let i = 0; i < 21; i++) mine.push((await beacon({ site: tight.publicKey, visitor: "loop", events: [event("page_view")] }, `198.19.0.${i}`)).status);
    expect(mine).toEqual([...Array(20).fill(200), 429]);
    const err = (await (await beacon({ site: tight.publicKey, visitor: "loop", events: [event("page_view")] })).json()) as { error: { code: string } };
    expect(err.error.code).toBe("rate_limited");
  });
});

describe("operator-token guesses", () => {
  const sites = (token: string, ip: string) =>
    call("/v1/admin/sites", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "cf-connecting-ip": ip }, body: JSON.stringify({ name: "g", origins: [ORIGIN] }) });

  it("refuses a client after 10 wrong operator tokens a minute, the right one included; site keys and other clients go on", { timeout: 90_000 }, async () => {
    const site = await createSite();
    await freshWindow(20_000);
    const ip = "192.0.2.77";
    // Wrong site keys are not counted: nobody guesses 120 random bits, and a neighbour on a
    // shared address must not be able to lock a site's integration out.
    for (let i = 0; i < 12; i++) expect((await call("/v1/admin/leads", { headers: { authorization: `Bearer sk_site_abcdefghijkl_${"x".repeat(20 + i)}`, "cf-connecting-ip": ip } })).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await sites(`guess-${i}`, ip)).status);
    // The site routes that take the operator token count its guesses too.
    for (let i = 0; i < 4; i++) statuses.push((await call(`/v1/admin/sites/${site.id}`, { headers: { authorization: `Bearer guess-s${i}`, "cf-connecting-ip": ip } })).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const refused = await sites("guess-10", ip);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await sites(OPERATOR, ip)).status).toBe(429);
    expect((await call(`/v1/admin/sites/${site.id}`, { headers: { authorization: `Bearer ${OPERATOR}`, "cf-connecting-ip": ip } })).status).toBe(429);
    // The site's own key still works from that address; another client is not concerned.
    expect((await call("/v1/admin/leads", { headers: { authorization: `Bearer ${site.secretKey}`, "cf-connecting-ip": ip } })).status).toBe(200);
    expect((await call(`/v1/admin/sites/${site.id}`, { headers: { authorization: `Bearer ${site.secretKey}`, "cf-connecting-ip": ip } })).status).toBe(200);
    expect((await sites(OPERATOR, "192.0.2.78")).status).toBe(201);
    expect((await sites("guess-x", "192.0.2.78")).status).toBe(401);
  });
});

describe("site limits", () => {
  it("refuses limits below what the binding can count, with their paths", async () => {
    const res = await call("/v1/admin/sites", {
      method: "POST",
      headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", origins: [ORIGIN], rateLimits: { visitorPerMinute: 3, sitePerMinute: 100 } }),
    });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path).sort();
    expect(paths).toEqual(["rateLimits.sitePerMinute", "rateLimits.visitorPerMinute"]);
  });
});
