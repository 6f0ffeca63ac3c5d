import { describe, expect, it } from "vitest";
import { recompute, type ScoreEvent } from "../scoring/engine";
import { parseModel } from "../scoring/model";
import { buildFeatures, type LeadFeaturesInput } from "./candidates";
import { addEventCounts } from "./load";
import { fitLogistic } from "./logistic";
import { pointsScore, stratifiedFolds, suggest, tierThresholds, toPoints } from "./suggest";

const NOW = Date.UTC(2025, 5, 1);

/** 400 synthetic leads whose conversion depends on a trait, a page, and (negatively) on calls. */
function data() {
  let seed = 11;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const leads: (LeadFeaturesInput & { list: ScoreEvent[] })[] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 400; i++) {
    const size = ["small", "mid", "large"][Math.floor(rnd() * 3)]!;
    const age = 18 + Math.floor(rnd() * 50);
    const list: ScoreEvent[] = [];
    const calls = 1 + Math.floor(rnd() * 6); // every lead has calls: a "universal" event
    for (let k = 0; k < calls; k++) list.push({ id: `${i}-c${k}`, type: "custom", name: "call", ts: NOW - k * 1000 });
    const pricing = rnd() < 0.4;
    if (pricing) list.push({ id: `${i}-p`, type: "page_view", url: "https://x.example/pricing/", path: "/pricing/", ts: NOW - 5000 });
    if (rnd() < 0.3) list.push({ id: `${i}-h`, type: "page_view", path: "/", ts: NOW - 6000 });
    if (rnd() < 0.1) list.push({ id: `${i}-j`, type: "page_view", path: "/careers", ts: NOW - 7000 });
    const z = -1 + (size === "large" ? 1.5 : 0) + (pricing ? 1.2 : 0) - 0.4 * Math.min(calls, 4) + (age > 50 ? 0.7 : 0);
    y.push(rnd() < 1 / (1 + Math.exp(-z)));
    const events = new Map<string, number>();
    for (const e of list) addEventCounts(events, { type: e.type, name: e.name ?? null, path: e.path ?? null, n: 1 });
    leads.push({ traits: { size, age, ...(i % 7 === 0 ? { occupation: "student" } : {}) }, events, list });
  }
  return { leads, y };
}

describe("suggest", () => {
  const { leads, y } = data();
  const fs = buildFeatures(leads);
  const gate = { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } };
  const disq = leads.map((l) => l.traits.occupation === "student");
  const carry = {
    tierNames: ["warm", "hot"],
    gateRules: [gate],
    extra: { triggers: [{ id: "t", when: { tier: "hot" }, webhook: "https://hooks.example/x" }], exposeScore: false },
  };
  const s = suggest(fs, y, disq, carry);

  it("produces a document parseModel accepts, with the carried gates, tiers and triggers", () => {
    expect(s.model).not.toBeNull();
    const parsed = parseModel(s.model);
    expect(parsed.ok).toBe(true);
    const doc = s.model as { tiers: Record<string, number>; rules: { id: string; points?: number; category?: string }[]; triggers: unknown[]; readiness: number };
    expect(Object.keys(doc.tiers)).toEqual(["warm", "hot"]);
    expect(doc.readiness).toBe(doc.tiers.hot);
    expect(doc.rules[0]).toEqual(gate);
    expect(doc.triggers).toEqual(carry.extra.triggers);
    expect(doc.rules.every((r) => r.points === undefined || Number.isInteger(r.points))).toBe(true);
  });

  it("scores every lead in the engine exactly as the points model says (clamps and base rule included)", () => {
    const parsed = parseModel(s.model);
    if (!parsed.ok) throw new Error("invalid");
    const pm = toPoints(buildFeatures(leads), fitLogistic(fs.rows, y, fs.candidates.length, { lambda: 1 }));
    // The universal "call" event's negative count gets a base rule.
    expect(pm.rules.some((r) => r.id.endsWith("-base"))).toBe(true);
    leads.forEach((l, i) => {
      const engine = recompute(parsed.model, l.list, l.traits, NOW).result.score;
      expect(engine, `lead ${i}`).toBe(pointsScore(pm, fs.rows[i]!, disq[i]));
    });
  });

  it("finds the signal and says what the integer points cost (cross-validated)", () => {
    expect(s.folds).toBe(5);
    // Without the carried disqualifier (students score 0 whatever their odds), integer points
    // rank held-out leads about as well as the raw regression.
    const plain = suggest(fs, y, disq.map(() => false), { ...carry, gateRules: [] });
    expect(plain.auc).toBeGreaterThan(0.65);
    expect(Math.abs(plain.auc! - plain.regressionAuc!)).toBeLessThan(0.02);
    expect(s.auc!).toBeLessThan(plain.auc!);
    const pts = Object.fromEntries(s.rules.map((r) => [r.id, r.points]));
    expect(pts["size-large"]).toBeGreaterThan(0);
    expect(pts["page-pricing"]).toBeGreaterThan(0);
  });

  it("suggests nothing without both outcomes", () => {
    expect(suggest(fs, y.map(() => false), disq, carry)).toMatchObject({ model: null, auc: null });
  });
});

describe("helpers", () => {
  it("tier thresholds ascend strictly from score quantiles", () => {
    expect(tierThresholds(["warm", "hot"], [0, 0, 0, 0])).toEqual({ warm: 1, hot: 2 });
    expect(tierThresholds(["warm", "hot"], Array.from({ length: 100 }, (_, i) => i))).toEqual({ warm: 50, hot: 90 });
    expect(tierThresholds(["mql"], Array.from({ length: 10 }, (_, i) => i * 10))).toEqual({ mql: 80 });
  });

  it("stratified folds deal each class round-robin", () => {
    expect(stratifiedFolds([true, false, true, true, false, false, true], 2)).toEqual([0, 0, 1, 0, 1, 0, 1]);
  });
});
