import { describe, expect, it } from "vitest";
import { admin, createSite, event } from "../support/api";

const DAY = 86_400_000;

// No decay: scores are sums of points, so every figure below is exact.
const model = {
  tiers: { warm: 10, hot: 20 },
  rules: [
    { id: "pricing", category: "interest", points: 10, when: { event: "page_view", path: "/pricing" }, limit: { times: 1, per: "lead" } },
    { id: "demo", category: "interest", points: 15, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } },
    { id: "big", category: "fit", points: 5, when: { trait: "size", eq: "big" } },
  ],
};

const home = () => event("page_view", { url: "https://shop.example/" });
const pricing = () => event("page_view", { url: "https://shop.example/pricing" });

// lead: [traits, events, conversions]; scores: A 30, B 10, C 0 (converted); D 25, E 15, F 0, G 0, H 5.
const LEADS: Record<string, [Record<string, unknown>, () => unknown[], { value?: number }[]]> = {
  a: [{ size: "big" }, () => [pricing(), event("trial_signup")], [{ value: 100 }]],
  b: [{}, () => [pricing()], [{ value: 50 }, { value: 25 }]],
  c: [{}, () => [home()], [{}]],
  d: [{}, () => [pricing(), event("trial_signup")], []],
  e: [{ size: "big" }, () => [pricing()], []],
  f: [{}, () => [home()], []],
  g: [{}, () => [home()], []],
  h: [{ size: "big" }, () => [home()], []],
};

type Report = {
  model: string;
  leads: number;
  converted: { count: number; averageScore: number | null; value: number };
  notConverted: { count: number; averageScore: number | null };
  onTrack: boolean | null;
  auc: number | null;
  lowScorersConverted: { threshold: number; count: number; leads: { email: string; score: number; tier: string; rules: string[] }[] };
  highScorersNotConverted: { threshold: number; count: number; leads: { email: string; score: number; tier: string; rules: string[] }[] };
  rules: { id: string; leads: number; converted: number; rate: number | null; rateWithout: number | null; lift: number | null }[];
  tiers: { tier: string; leads: number; converted: number; rate: number | null }[];
  histogram: { binWidth: number; bins: { from: number; to: number; converted: number; notConverted: number }[] };
  suggestedModel: Record<string, unknown> | null;
  suggestedAuc: number | null;
  suggested: { regressionAuc: number | null; currentAuc: number | null; beatsCurrent: boolean; note: string | null; features: number; rules: unknown[] };
};

async function setup() {
  const site = await createSite();
  expect((await admin("/models/main", site.secretKey, { method: "PUT", body: model })).status).toBe(201);
  for (const [k, [traits, events, conversions]] of Object.entries(LEADS)) {
    const res = await admin("/events", site.secretKey, { body: { email: `${k}@example.com`, traits, events: events() } });
    expect(res.status).toBe(200);
    for (const c of conversions) expect((await admin("/conversions", site.secretKey, { body: { email: `${k}@example.com`, ...c } })).status).toBe(201);
  }
  // Seen 40 days ago only: outside a 30-day window, inside a 60-day one.
  await admin("/events", site.secretKey, { body: { email: "old@example.com", events: [event("page_view", { ts: Date.now() - 40 * DAY })] } });
  return site;
}

describe("GET /v1/admin/report", () => {
  it("reviews the model on the window's leads, every figure exact", async () => {
    const site = await setup();
    const res = await admin("/report", site.secretKey);
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    expect(r.model).toBe("main");
    expect(r.leads).toBe(8);
    // Converted 30, 10, 0; not converted 25, 15, 0, 0, 5.
    expect(r.converted).toEqual({ count: 3, averageScore: 13.33, value: 175 });
    expect(r.notConverted).toEqual({ count: 5, averageScore: 9 });
    expect(r.onTrack).toBe(true);
    // Pairs won: 30 → 5, 10 → 3, 0 → two ties (1): 9 of 15.
    expect(r.auc).toBe(0.6);
    expect(r.lowScorersConverted).toEqual({
      threshold: 10,
      count: 1,
      leads: [expect.objectContaining({ email: "c@example.com", score: 0, tier: "cold", rules: [] })],
    });
    expect(r.highScorersNotConverted).toEqual({
      threshold: 20,
      count: 1,
      leads: [expect.objectContaining({ email: "d@example.com", score: 25, tier: "hot", rules: ["pricing", "demo"] })],
    });
    expect(r.rules.map(({ id, leads, converted, rate, rateWithout, lift }) => ({ id, leads, converted, rate, rateWithout, lift }))).toEqual([
      { id: "pricing", leads: 4, converted: 2, rate: 0.5, rateWithout: 0.25, lift: 2 },
      { id: "demo", leads: 2, converted: 1, rate: 0.5, rateWithout: 0.3333, lift: 1.5 },
      { id: "big", leads: 3, converted: 1, rate: 0.3333, rateWithout: 0.4, lift: 0.8333 },
    ]);
    expect(r.tiers.map(({ tier, leads, converted, rate }) => ({ tier, leads, converted, rate }))).toEqual([
      { tier: "disqualified", leads: 0, converted: 0, rate: null },
      { tier: "cold", leads: 4, converted: 1, rate: 0.25 },
      { tier: "warm", leads: 2, converted: 1, rate: 0.5 },
      { tier: "hot", leads: 2, converted: 1, rate: 0.5 },
    ]);
    expect(r.histogram).toEqual({
      binWidth: 5,
      bins: [
        { from: 0, to: 5, converted: 1, notConverted: 2 },
        { from: 5, to: 10, converted: 0, notConverted: 1 },
        { from: 10, to: 15, converted: 1, notConverted: 0 },
        { from: 15, to: 20, converted: 0, notConverted: 1 },
        { from: 20, to: 25, converted: 0, notConverted: 0 },
        { from: 25, to: 30, converted: 0, notConverted: 1 },
        { from: 30, to: 35, converted: 1, notConverted: 0 },
      ],
    });
    // Eight leads: too few to hold any out, and no trait or event reaches the 5 leads a rule
    // needs: no suggestion, no held-out figure, and never a recommendation (test/worker/report-bank.test.ts
    // has the real-data case).
    expect(r.suggestedModel).toBeNull();
    expect(r.suggestedAuc).toBeNull();
    expect(r.suggested.beatsCurrent).toBe(false);
    expect(r.suggested.note).toMatch(/^No suggestion/);
    const put = await admin("/models/suggested", site.secretKey, { method: "PUT", body: model });
    expect(put.status).toBe(201);

    const wide = (await (await admin("/report?days=60", site.secretKey)).json()) as Report;
    expect(wide.leads).toBe(9);
    expect(wide.notConverted.count).toBe(6);
    const other = (await (await admin("/report?model=suggested", site.secretKey)).json()) as Report;
    expect(other.model).toBe("suggested");
  });

  it("validates its query and knows unknown models", async () => {
    const site = await createSite();
    expect((await admin("/report", site.secretKey)).status).toBe(404);
    await admin("/models/main", site.secretKey, { method: "PUT", body: model });
    for (const q of ["?days=0", "?days=366", "?days=abc", "?days=1.5", "?model="]) expect((await admin(`/report${q}`, site.secretKey)).status, q).toBe(400);
    expect((await admin("/report?model=nope", site.secretKey)).status).toBe(404);
    const empty = (await (await admin("/report?days=365", site.secretKey)).json()) as Report;
    expect(empty).toMatchObject({ leads: 0, auc: null, onTrack: null, suggestedModel: null, suggestedAuc: null });
    expect((await admin("/report", "sk_wrong")).status).toBe(401);
  });
});

describe("POST /v1/admin/conversions", () => {
  it("marks a lead converted by lead id, visitor or email; the first time stays, values add up", async () => {
    const site = await createSite();
    const res = await admin("/events", site.secretKey, { body: { visitor: "v-1", events: [event("page_view")] } });
    const { lead } = (await res.json()) as { lead: string };
    const t0 = Date.now() - 5 * DAY;
    const first = await admin("/conversions", site.secretKey, { body: { lead, value: 10, ts: t0 } });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ lead, convertedAt: t0, conversionValue: 10, conversions: 1 });
    const again = await admin("/conversions", site.secretKey, { body: { visitor: "v-1", value: 2.5 } });
    expect(await again.json()).toEqual({ lead, convertedAt: t0, conversionValue: 12.5, conversions: 2 });
    // An earlier conversion reported late moves the first time back.
    const earlier = await admin("/conversions", site.secretKey, { body: { lead, ts: t0 - DAY } });
    expect(await earlier.json()).toEqual({ lead, convertedAt: t0 - DAY, conversionValue: 12.5, conversions: 3 });

    // No model yet: 404; once there is one, the lead counts once.
    expect((await admin("/report", site.secretKey)).status).toBe(404);
    await admin("/models/main", site.secretKey, { method: "PUT", body: model });
    const rep = (await (await admin("/report", site.secretKey)).json()) as Report;
    expect(rep.converted).toEqual({ count: 1, averageScore: 0, value: 12.5 });

    const detail = (await (await admin(`/leads/${lead}`, site.secretKey)).json()) as { lead: { converted: boolean; convertedAt: number } };
    expect(detail.lead).toMatchObject({ converted: true, convertedAt: t0 - DAY });
  });

  it("404s unknown and other sites' leads; 400s bad bodies with paths", async () => {
    const a = await createSite();
    const b = await createSite();
    const { lead } = (await (await admin("/events", a.secretKey, { body: { email: "x@a.example", events: [event("chat")] } })).json()) as { lead: string };
    expect((await admin("/conversions", b.secretKey, { body: { lead } })).status).toBe(404);
    expect((await admin("/conversions", b.secretKey, { body: { email: "x@a.example" } })).status).toBe(404);
    expect((await admin("/conversions", a.secretKey, { body: { visitor: "nobody" } })).status).toBe(404);
    expect((await admin("/conversions", a.secretKey, { body: { email: "X@A.example" } })).status).toBe(201);

    const bad = async (body: unknown) => {
      const res = await admin("/conversions", a.secretKey, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      return ((await res.json()) as { error: { issues?: { path: string }[] } }).error.issues?.map((i) => i.path) ?? [];
    };
    expect(await bad({})).toEqual(["lead"]);
    expect(await bad({ lead, email: "x@a.example" })).toEqual(["lead"]);
    expect(await bad({ lead, value: -1 })).toEqual(["value"]);
    expect(await bad({ lead, value: "10" })).toEqual(["value"]);
    expect(await bad({ lead, ts: 1.5 })).toEqual(["ts"]);
    expect(await bad({ lead, ts: Date.now() + DAY })).toEqual(["ts"]);
    expect(await bad({ email: "not-an-email" })).toEqual(["email"]);
    expect(await bad({ lead, extra: 1 })).toEqual([""]);
    expect(await bad([1])).toEqual([""]);
    expect((await admin("/conversions", a.secretKey, { body: "nope" })).status).toBe(400);
  });
});
