import { describe, expect, it } from "vitest";
import { recompute, type ScoreEvent } from "../scoring/engine";
import { parseModel } from "../scoring/model";
import { auc } from "./auc";
import { RECENT_DAYS } from "./candidates";
import { addEventCounts } from "./load";
import { niceBelow } from "./points";
import { isHoldout } from "./split";
import { MAX_RULES, type SuggestLead, suggest, tierThresholds } from "./suggest";

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 12);

type Lead = SuggestLead & { list: ScoreEvent[] };

/** 1,500 synthetic leads: conversion depends on a trait range, a rare segment, a page, recent activity and (negatively) on calls. */
function data() {
  let seed = 11;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const leads: Lead[] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 1500; i++) {
    const size = ["small", "mid", "large"][Math.floor(rnd() * 3)]!;
    const segment = rnd() < 0.06 ? "partner" : ["ads", "seo"][i % 2]!;
    const age = 18 + Math.floor(rnd() * 50);
    const list: ScoreEvent[] = [];
    const calls = 1 + Math.floor(rnd() * 6); // every lead has calls: a "universal" event
    for (let k = 0; k < calls; k++) list.push({ id: `${i}-c${k}`, type: "custom", name: "call", ts: NOW - (20 + k) * DAY });
    const pricing = rnd() < 0.4;
    if (pricing) list.push({ id: `${i}-p`, type: "page_view", url: "https://x.example/pricing/", path: "/pricing/", ts: NOW - 30 * DAY });
    // Recent visits: days with a page view in the last week.
    const recentDays = rnd() < 0.5 ? Math.floor(rnd() * 5) : 0;
    for (let d = 0; d < recentDays; d++) list.push({ id: `${i}-r${d}`, type: "page_view", path: "/", ts: NOW - (d + 1) * DAY });
    // … and older ones, which say nothing.
    const old = Math.floor(rnd() * 5);
    for (let d = 0; d < old; d++) list.push({ id: `${i}-o${d}`, type: "page_view", path: "/", ts: NOW - (40 + d) * DAY });
    const z = -1.5 + (size === "large" ? 1.2 : 0) + (pricing ? 1.0 : 0) - 0.3 * Math.min(calls, 4) + (age > 50 ? 0.8 : 0) + (segment === "partner" ? 3 : 0) + 0.5 * recentDays;
    y.push(rnd() < 1 / (1 + Math.exp(-z)));
    const events = new Map<string, number>();
    const days = new Map<string, Set<number>>();
    for (const e of list) {
      addEventCounts(events, { type: e.type, name: e.name ?? null, path: e.path ?? null, n: 1 });
      if (e.ts >= NOW - RECENT_DAYS * DAY) days.set(`t|${e.type}`, (days.get(`t|${e.type}`) ?? new Set()).add(Math.floor(e.ts / DAY)));
    }
    const recent = new Map([...days].map(([k, s]) => [k, s.size]));
    leads.push({ id: `ld_${i}`, traits: { size, segment, age, ...(i % 7 === 0 ? { occupation: "student" } : {}), ...(i % 9 === 0 ? {} : { budget: 1000 + (i % 50) * 37.5 }) }, events, recent, list });
  }
  return { leads, y };
}

describe("suggest", () => {
  const { leads, y } = data();
  const gate = { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } };
  const disq = leads.map((l) => l.traits.occupation === "student");
  const carry = {
    tierNames: ["warm", "hot"],
    gateRules: [gate],
    extra: { triggers: [{ id: "t", when: { tier: "hot" }, webhook: "https://hooks.example/x" }], exposeScore: false },
  };
  // The reviewed model: points for "large" only.
  const current = leads.map((l) => (l.traits.size === "large" ? 10 : 0));
  const s = suggest(leads, y, disq, current, carry);
  const doc = s.model as { tiers: Record<string, number>; rules: { id: string; points?: number; category?: string }[]; triggers: unknown[]; readiness: number; categories: Record<string, unknown> };

  it("produces a document parseModel accepts, with the carried gates, tiers and triggers, integer points and ≤ 40 rules", () => {
    expect(parseModel(s.model).ok).toBe(true);
    expect(Object.keys(doc.tiers)).toEqual(["warm", "hot"]);
    expect(doc.readiness).toBe(doc.tiers.hot);
    expect(doc.rules[0]).toEqual(gate);
    expect(doc.triggers).toEqual(carry.extra.triggers);
    expect(doc.rules.every((r) => r.points === undefined || Number.isInteger(r.points))).toBe(true);
    expect(doc.rules.length - 1).toBeLessThanOrEqual(MAX_RULES);
    expect(doc.categories.recent).toMatchObject({ kind: "interest", decay: { expireDays: RECENT_DAYS } });
  });

  it("scores every lead in the engine exactly as its held-out AUC says", () => {
    const parsed = parseModel(s.model);
    if (!parsed.ok) throw new Error("invalid");
    const scores = leads.map((l) => recompute(parsed.model, l.list, l.traits, NOW).result.score);
    const test = leads.flatMap((l, i) => (isHoldout(l.id) ? [i] : []));
    expect(s.split).toMatchObject({ train: leads.length - test.length, holdout: test.length, holdoutConverted: test.filter((i) => y[i]).length });
    expect(test.length).toBeGreaterThan(350);
    expect(test.length).toBeLessThan(550);
    const engineAuc = auc(test.map((i) => scores[i]!), test.map((i) => y[i]!))!;
    expect(Math.round(engineAuc * 10000) / 10000).toBe(s.auc);
  });

  it("finds the signals, the rare segment included, and explains each rule", () => {
    const labels = s.rules.map((r) => r.label);
    expect(labels).toContain("segment = partner");
    expect(labels.some((l) => l.startsWith("size = large"))).toBe(true);
    expect(labels.some((l) => l.startsWith("visited /pricing"))).toBe(true);
    expect(labels.some((l) => l.includes(`last ${RECENT_DAYS}`))).toBe(true);
    const partner = s.rules.find((r) => r.label === "segment = partner")!;
    expect(partner.points).toBeGreaterThan(10);
    expect(partner.lift).toBeGreaterThan(1.5);
    expect(partner.leads).toBe(leads.filter((l) => l.traits.segment === "partner").length);
    // Students are disqualified (score 0) whatever their odds, which costs some AUC; integer points cost little.
    expect(s.auc).toBeGreaterThan(0.68);
    const ungated = suggest(leads, y, disq.map(() => false), current, { ...carry, gateRules: [] });
    expect(ungated.auc).toBeGreaterThan(0.75);
    expect(Math.abs(ungated.auc! - ungated.regressionAuc!)).toBeLessThan(0.02);
    expect(s.currentAuc).toBe(Math.round(auc(leads.flatMap((l, i) => (isHoldout(l.id) ? [current[i]!] : [])), leads.flatMap((l, i) => (isHoldout(l.id) ? [y[i]!] : [])))! * 10000) / 10000);
    expect(s.beatsCurrent).toBe(true);
    expect(s.split.method).toContain("70/30");
  });

  it("does not claim to beat a reviewed model that ranks better", () => {
    // A "model" that knows the outcome: nothing can beat it.
    const oracle = suggest(leads, y, disq, y.map((c) => (c ? 1 : 0)), carry);
    expect(oracle.currentAuc).toBe(1);
    expect(oracle.beatsCurrent).toBe(false);
  });

  it("fits on every lead when too few are left to hold out, and says so", () => {
    const few = leads.slice(0, 6);
    const r = suggest(few, [true, false, true, false, false, false], few.map(() => false), few.map(() => 0), carry);
    expect(r.auc).toBeNull();
    expect(r.beatsCurrent).toBe(false);
    if (r.model) expect(parseModel(r.model).ok).toBe(true);
    expect(r.note).toMatch(/too few|no trait/i);
  });

  it("suggests nothing without both outcomes", () => {
    expect(suggest(leads, y.map(() => false), disq, current, carry)).toMatchObject({ model: null, auc: null, beatsCurrent: false });
  });
});

describe("helpers", () => {
  it("tier thresholds ascend strictly from score quantiles", () => {
    expect(tierThresholds(["warm", "hot"], [0, 0, 0, 0])).toEqual({ warm: 1, hot: 2 });
    expect(tierThresholds(["warm", "hot"], Array.from({ length: 100 }, (_, i) => i))).toEqual({ warm: 50, hot: 90 });
    expect(tierThresholds(["mql"], Array.from({ length: 10 }, (_, i) => i * 10))).toEqual({ mql: 80 });
  });

  it("range bounds read well and keep observed values on their side", () => {
    expect(niceBelow(0.0249645, 0.025)).toBe(0.02499);
    expect(niceBelow(3.37306, 3.38)).toBe(3.379);
    expect(niceBelow(7, 7.5)).toBe(7);
  });
});
