import { describe, expect, it } from "vitest";
import { decodeList } from "./codec";
import { applyEvents, emptyState, evaluate, type LeadState, recompute, rulesForEventType } from "./engine";
import { DAY, ev, HOUR, model, T0 } from "./test-helpers";

describe("the car-dealer example (DOMAIN.md)", () => {
  const dealer = model({
    tiers: { warm: 15, hot: 30 },
    categories: {
      fit: { kind: "fit", max: 50 },
      interest: { kind: "interest", max: 50 },
    },
    rules: [
      { id: "car-form", points: 10, when: { event: "form_submit", name: "car-interest" }, limit: { times: 1, per: "lead" } },
      { id: "email-open", points: 3, when: { event: "custom", name: "email_open" } },
      { id: "email-click", points: 7, when: { event: "custom", name: "email_click" } },
      { id: "directions", points: 20, when: { event: "page_view", path: "/directions*" }, limit: { times: 1, per: "lead" } },
      { id: "adult", must: true, when: { trait: "age", gte: 18 } },
      { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
    ],
    triggers: [{ id: "test-drive", when: { tier: "hot" }, webhook: "https://dealer.example/hooks" }],
  });
  const traits = { age: 34, email: "ann@example.com" };
  const steps = [
    [ev("form_submit", T0, { name: "car-interest" })],
    [ev("custom", T0 + DAY, { name: "email_open" }), ev("custom", T0 + DAY + 60_000, { name: "email_click" })],
    [ev("page_view", T0 + 4 * DAY, { url: "https://dealer.example/directions?loc=3" })],
    [ev("page_view", T0 + 5 * DAY, { url: "https://dealer.example/directions/north" })],
  ];

  it("scores 10 cold, 20 warm, 40 hot with one test-drive alert, then nothing more", () => {
    let state: LeadState = emptyState();
    const seen: { score: number; tier: string; fired: number }[] = [];
    let last = null as ReturnType<typeof applyEvents> | null;
    steps.forEach((batch, i) => {
      const now = (batch[batch.length - 1]?.ts ?? T0) + 1000;
      last = applyEvents(dealer, state, batch, traits, now);
      state = JSON.parse(JSON.stringify(last.state)) as LeadState;
      seen.push({ score: last.result.score, tier: last.result.tier, fired: last.fired.length });
      if (i === 2) {
        expect(last.fired).toEqual([{ triggerId: "test-drive", crossing: 1, webhook: "https://dealer.example/hooks" }]);
      }
    });
    expect(seen).toEqual([
      { score: 10, tier: "cold", fired: 0 },
      { score: 20, tier: "warm", fired: 0 },
      { score: 40, tier: "hot", fired: 1 },
      { score: 40, tier: "hot", fired: 0 },
    ]);
    const r = last?.result;
    expect(r?.rules).toEqual({
      "car-form": { hits: 1, points: 10 },
      "email-open": { hits: 1, points: 3 },
      "email-click": { hits: 1, points: 7 },
      directions: { hits: 1, points: 20 },
      adult: { hits: 1, points: 0 },
      student: { hits: 0, points: 0 },
    });
    expect(r).toMatchObject({ fit: 0, interest: 40, gates: 1, qualified: true, code: 140, readiness: 40 });
    expect(r?.categories).toEqual({ fit: { kind: "fit", value: 0, max: 50 }, interest: { kind: "interest", value: 40, max: 50 } });
    expect(state.t["test-drive"]).toEqual([0, 1]);
  });

  it("disqualifies a student: score 0, tier disqualified, no trigger", () => {
    let state = emptyState();
    const fired: unknown[] = [];
    let result = evaluate(dealer, state, {}, T0);
    for (const batch of steps) {
      const out = applyEvents(dealer, state, batch, { age: 20, occupation: "Student" }, T0 + 6 * DAY);
      state = out.state;
      result = out.result;
      fired.push(...out.fired);
    }
    expect(fired).toEqual([]);
    expect(result).toMatchObject({
      score: 0, fit: 0, interest: 0, tier: "disqualified", disqualified: true, disqualifiedBy: ["student"], promos: [], code: 100, readiness: 0,
    });
    // The breakdown still explains what the lead did.
    expect(result.rules.directions).toEqual({ hits: 1, points: 20 });
  });

  it("indexes rules by event type", () => {
    expect(rulesForEventType(dealer, "custom")).toEqual(["email-open", "email-click"]);
    expect(rulesForEventType(dealer, "chat")).toEqual([]);
  });
});

describe("decay", () => {
  const m = model({
    categories: {
      half: { kind: "interest", max: 100, decay: { halfLifeDays: 1 } },
      exp: { kind: "interest", max: 100, decay: { expireDays: 7 } },
      both: { kind: "interest", max: 100, decay: { halfLifeDays: 1, expireDays: 3 } },
    },
    rules: [
      { id: "h", category: "half", points: 8, when: { event: "chat" } },
      { id: "x", category: "exp", points: 5, when: { event: "trial_signup" } },
      { id: "b", category: "both", points: 10, when: { event: "cart" } },
    ],
  });

  it("halves per half-life: 8, 4, 2 at 0, 1 and 2 half-lives", () => {
    const { state } = applyEvents(m, emptyState(), [ev("chat", T0)], {}, T0);
    expect([0, 1, 2].map((d) => evaluate(m, state, {}, T0 + d * DAY).rules.h?.points)).toEqual([8, 4, 2]);
    expect(evaluate(m, state, {}, T0 + 2 * DAY).score).toBe(2);
  });

  it("sums decayed hits: hits at t0 and t0+1d are worth 4 + 8 at t0+1d, 3 at t0+3d", () => {
    const s1 = applyEvents(m, emptyState(), [ev("chat", T0)], {}, T0).state;
    const s2 = applyEvents(m, s1, [ev("chat", T0 + DAY)], {}, T0 + DAY);
    expect(s2.result.rules.h).toEqual({ hits: 2, points: 12 });
    expect(evaluate(m, s2.state, {}, T0 + 3 * DAY).rules.h?.points).toBe(3);
    // An old hit arriving late (past ts) is weighed by its own time.
    const s3 = applyEvents(m, s2.state, [ev("chat", T0 - DAY)], {}, T0 + DAY);
    expect(s3.result.rules.h?.points).toBe(14);
  });

  it("keeps long histories finite and exact", () => {
    const events = Array.from({ length: 2000 }, (_, i) => ev("chat", T0 + i * DAY));
    const now = T0 + 1999 * DAY;
    const r = recompute(m, events, {}, now).result;
    // Geometric series 8·(1 + 1/2 + 1/4 + …) → 16.
    expect(r.rules.h).toEqual({ hits: 2000, points: 16 });
  });

  it("expiry counts full points until expireDays, then 0", () => {
    const { state } = applyEvents(m, emptyState(), [ev("trial_signup", T0)], {}, T0);
    expect(evaluate(m, state, {}, T0 + 7 * DAY - 1).rules.x).toEqual({ hits: 1, points: 5 });
    expect(evaluate(m, state, {}, T0 + 7 * DAY).rules.x).toEqual({ hits: 1, points: 0 });
  });

  it("prunes expired hit times from the state", () => {
    const s1 = applyEvents(m, emptyState(), [ev("trial_signup", T0), ev("trial_signup", T0 + DAY)], {}, T0 + DAY);
    const times = (s: LeadState) => decodeList(s.r.x?.t, 1);
    expect(times(s1.state)).toEqual([T0, T0 + DAY]);
    const s2 = applyEvents(m, s1.state, [ev("trial_signup", T0 + 7.5 * DAY)], {}, T0 + 7.5 * DAY);
    expect(times(s2.state)).toEqual([T0 + DAY, T0 + 7.5 * DAY]);
    expect(s2.result.rules.x).toEqual({ hits: 3, points: 10 });
    // The input state was not mutated.
    expect(times(s1.state)).toEqual([T0, T0 + DAY]);
    // Hits that expire with no new hit of their own rule are pruned by any later update.
    const s3 = applyEvents(m, s2.state, [ev("chat", T0 + 20 * DAY)], {}, T0 + 20 * DAY);
    expect(s3.state.r.x).toEqual({ n: 3 });
    expect(s3.result.rules.x).toEqual({ hits: 3, points: 0 });
  });

  it("half-life with expiry decays until expiry, then 0", () => {
    const { state } = applyEvents(m, emptyState(), [ev("cart", T0)], {}, T0);
    expect([0, 1, 2, 3].map((d) => evaluate(m, state, {}, T0 + d * DAY).rules.b?.points)).toEqual([10, 5, 2.5, 0]);
  });
});

describe("category clamping and negative points", () => {
  const m = model({
    categories: { c: { kind: "interest", max: 20 } },
    rules: [
      { id: "plus", category: "c", points: 15, when: { event: "page_view", path: "/pricing" } },
      { id: "careers", category: "c", points: -10, when: { event: "page_view", path: "/careers*" } },
    ],
  });
  const pv = (path: string, i: number) => ev("page_view", T0 + i, { path });

  it("clamps to max", () => {
    const r = recompute(m, [pv("/pricing", 0), pv("/pricing", 1)], {}, T0 + DAY).result;
    expect(r.rules.plus).toEqual({ hits: 2, points: 30 });
    expect(r.categories.c?.value).toBe(20);
    expect(r.score).toBe(20);
  });

  it("clamps at 0 and sums before clamping", () => {
    expect(recompute(m, [pv("/careers/jobs", 0)], {}, T0).result.score).toBe(0);
    expect(recompute(m, [pv("/careers", 0), pv("/pricing/", 1)], {}, T0).result.score).toBe(5);
    expect(recompute(m, [pv("/careers", 0), pv("/careers", 1), pv("/pricing", 2)], {}, T0).result.score).toBe(0);
  });
});

describe("limits", () => {
  const m = model({
    rules: [
      { id: "lead", points: 1, when: { event: "page_view" }, limit: { times: 2, per: "lead" } },
      { id: "session", points: 1, when: { event: "page_view" }, limit: { times: 1, per: "session" } },
      { id: "day", points: 1, when: { event: "page_view" }, limit: { times: 1, per: "day" } },
    ],
  });

  it("counts at most `times` matches per lead, session and UTC day", () => {
    const midnight = Date.UTC(2025, 0, 7);
    const events = [
      ev("page_view", midnight - 2, { sessionId: "a" }),
      ev("page_view", midnight - 1, { sessionId: "a" }),
      ev("page_view", midnight, { sessionId: "b" }),
      ev("page_view", midnight + HOUR, { sessionId: null }),
      ev("page_view", midnight + 2 * HOUR, { sessionId: null }),
    ];
    const r = recompute(m, events, {}, midnight + DAY).result;
    expect(r.rules).toEqual({ lead: { hits: 2, points: 2 }, session: { hits: 3, points: 3 }, day: { hits: 2, points: 2 } });
  });

  it("counts in arrival order, across calls", () => {
    let state = emptyState();
    for (const s of ["a", "a", "b"]) state = applyEvents(m, state, [ev("page_view", T0, { sessionId: s })], {}, T0).state;
    expect(evaluate(m, state, {}, T0).rules.session).toEqual({ hits: 2, points: 2 });
  });
});

describe("gates, code, readiness and tiers", () => {
  const doc = {
    readiness: 200,
    tiers: { warm: 15, hot: 30, sql: 80 },
    rules: [
      { id: "region", must: true, when: { trait: "region", in: ["north", "south"] } },
      { id: "department", must: true, when: { trait: "department", exists: true } },
      { id: "industry", must: true, when: { trait: "industry", contains: "auto" } },
      { id: "budget", points: 39, when: { trait: "budget", gte: 20000 } },
      { id: "demo", points: 50, when: { event: "form_submit", name: "demo" } },
    ],
    leadType: { trait: "company_size", codes: { small: 1, mid: 2, large: 3 } },
  };
  const m = model(doc);
  const qualified = { region: "North", department: "sales", industry: "Automotive retail", budget: "25000", company_size: "mid" };
  const events = [ev("form_submit", T0, { name: "demo" })];

  it("gives 2389 to a mid-size lead meeting three must-haves with score 89", () => {
    const r = recompute(m, events, qualified, T0).result;
    expect(r).toMatchObject({ score: 89, fit: 39, interest: 50, gates: 3, qualified: true, tier: "sql", code: 2389, readiness: 45 });
    expect(r.mustHaves).toEqual([
      { id: "region", met: true },
      { id: "department", met: true },
      { id: "industry", met: true },
    ]);
  });

  it("keeps a lead missing a must-have cold whatever its score (2289)", () => {
    const r = recompute(m, events, { ...qualified, department: "" }, T0).result;
    expect(r).toMatchObject({ score: 89, gates: 2, qualified: false, tier: "cold", code: 2289 });
  });

  it("caps the last two digits at 99 and readiness at 100", () => {
    const big = model({ ...doc, readiness: 50, categories: { fit: { kind: "fit", max: 80 }, interest: { kind: "interest", max: 50 } }, rules: [...doc.rules, { id: "big", category: "fit", points: 41, when: { trait: "budget", gte: 1 } }] });
    const r = recompute(big, events, { ...qualified, company_size: "unknown" }, T0).result;
    expect(r).toMatchObject({ score: 130, code: 399, readiness: 100 });
  });

  it("picks the highest threshold not above the score", () => {
    const t = model({ tiers: { warm: 15, hot: 30 }, rules: [{ id: "p", points: 5, when: { event: "chat" } }] });
    const tierAfter = (n: number) => recompute(t, Array.from({ length: n }, (_, i) => ev("chat", T0 + i)), {}, T0 + DAY).result.tier;
    expect([0, 2, 3, 5, 6, 10].map(tierAfter)).toEqual(["cold", "cold", "warm", "warm", "hot", "hot"]);
  });
});

describe("triggers", () => {
  const m = model({
    categories: { key: { kind: "interest", max: 100, decay: { halfLifeDays: 1 } } },
    rules: [{ id: "directions", category: "key", points: 40, when: { event: "page_view", path: "/directions" } }],
    triggers: [
      { id: "hot", when: { tier: "hot" } },
      { id: "trial-pro", when: { all: [{ event: "trial_signup" }, { trait: "plan", eq: "pro" }] }, webhook: "https://crm.example/x" },
      { id: "score-50", when: { score: 50 } },
    ],
  });
  const visit = (ts: number) => ev("page_view", ts, { path: "/directions" });

  it("fires once per crossing and re-arms after the condition cooled below (via decay)", () => {
    const a = applyEvents(m, emptyState(), [visit(T0)], {}, T0);
    expect(a.fired.map((f) => [f.triggerId, f.crossing])).toEqual([["hot", 1]]);
    const b = applyEvents(m, a.state, [visit(T0 + HOUR)], {}, T0 + HOUR);
    expect(b.result.score).toBeGreaterThan(70);
    expect(b.fired.map((f) => f.triggerId)).toEqual(["score-50"]); // still hot: no second "hot"
    // Two days later 40·0.25 + 40·0.5^(47/24) = 20.29, a score of 20 (warm); a tick with no events re-arms.
    const c = applyEvents(m, b.state, [], {}, T0 + 2 * DAY);
    expect(c.result.score).toBe(20);
    expect(c.result.fit + c.result.interest).toBeCloseTo(20.29, 2);
    expect(c.fired).toEqual([]);
    expect(c.state.t).toEqual({ hot: [1, 1], "score-50": [1, 1] });
    const d = applyEvents(m, c.state, [visit(T0 + 2 * DAY)], {}, T0 + 2 * DAY);
    expect(d.result.score).toBe(60);
    expect(d.fired).toEqual([
      { triggerId: "hot", crossing: 2, webhook: null },
      { triggerId: "score-50", crossing: 2, webhook: null },
    ]);
  });

  it("re-arms within one call when the condition was false before the events", () => {
    const a = applyEvents(m, emptyState(), [visit(T0)], {}, T0);
    const b = applyEvents(m, a.state, [visit(T0 + 2 * DAY)], {}, T0 + 2 * DAY);
    // 10 (decayed) + 40 = 50: "hot" crosses a second time, "score-50" for the first time.
    expect(b.fired.map((f) => [f.triggerId, f.crossing])).toEqual([["hot", 2], ["score-50", 1]]);
  });

  it("event matchers in trigger conditions mean 'has had such an event'", () => {
    const a = applyEvents(m, emptyState(), [ev("trial_signup", T0)], { plan: "free" }, T0);
    expect(a.fired).toEqual([]);
    const b = applyEvents(m, a.state, [ev("chat", T0 + 1)], { plan: "PRO" }, T0 + 1);
    expect(b.fired).toEqual([{ triggerId: "trial-pro", crossing: 1, webhook: "https://crm.example/x" }]);
  });

  it("recompute never fires: a condition that holds counts as crossed, counters carry over", () => {
    const a = applyEvents(m, emptyState(), [visit(T0)], {}, T0);
    const r = recompute(m, [visit(T0)], {}, T0 + HOUR, a.state);
    expect(r.state.t).toEqual({ hot: [0, 1] });
    expect(recompute(m, [visit(T0)], {}, T0 + 3 * DAY).state.t).toEqual({});
  });
});

describe("promos", () => {
  const m = model({
    rules: [
      { id: "visit", points: 10, when: { event: "page_view" } },
      { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
    ],
    promos: [
      { id: "welcome", when: { tier: "warm" }, codes: ["W1", "W2"], message: "10% off today" },
      { id: "cart-back", when: { all: [{ event: "cart" }, { score: 10 }] }, codes: ["C1"] },
      { id: "never", when: { tier: "disqualified" }, codes: ["N1"] },
    ],
  });
  const promos = (n: number, traits = {}, cart = false) => {
    const events = Array.from({ length: n }, (_, i) => ev("page_view", T0 + i));
    if (cart) events.push(ev("cart", T0 + n));
    return recompute(m, events, traits, T0 + DAY).result.promos;
  };

  it("lists the promos whose condition holds now, 'at least' for tiers", () => {
    expect(promos(1)).toEqual([]);
    expect(promos(2)).toEqual(["welcome"]);
    expect(promos(4)).toEqual(["welcome"]); // hot is at least warm
    expect(promos(1, {}, true)).toEqual(["cart-back"]);
    expect(promos(4, {}, true)).toEqual(["welcome", "cart-back"]);
  });

  it("gives none to disqualified leads", () => {
    expect(promos(4, { occupation: "student" }, true)).toEqual([]);
  });
});

describe("evaluate", () => {
  it("does not change the state", () => {
    const m = model({ rules: [{ id: "p", points: 1, when: { event: "chat" } }] });
    const { state } = applyEvents(m, emptyState(), [ev("chat", T0)], {}, T0);
    const before = JSON.stringify(state);
    evaluate(m, state, {}, T0 + DAY);
    expect(JSON.stringify(state)).toBe(before);
  });
});
