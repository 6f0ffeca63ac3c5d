import { describe, expect, it } from "vitest";
import { compileTraitCondition } from "../scoring/matchers";
import { buildFeatures, type LeadFeaturesInput } from "./candidates";

const lead = (traits: Record<string, unknown>, events: Record<string, number> = {}): LeadFeaturesInput => ({ traits, events: new Map(Object.entries(events)) });

describe("buildFeatures", () => {
  const leads: LeadFeaturesInput[] = Array.from({ length: 40 }, (_, i) =>
    lead(
      {
        age: 20 + i, // numeric: quantile bins
        plan: ["Pro", "pro", "free", "team"][i % 4], // categorical, case-insensitive
        email: `p${i}@x.example`, // personal: never a rule
        ...(i % 10 === 0 ? {} : { income: (i * 1.5) % 17 }), // numeric with gaps and missing values
        note: `free text ${i}`, // one value per lead: not a rule
      },
      { "t|page_view": 1 + (i % 5), "p|/pricing": i % 3 === 0 ? 2 : 0, "n|custom|email_open": i % 2, "t|custom": i % 2, "p|/a*b": 1 },
    ),
  );
  const fs = buildFeatures(leads);
  const byId = Object.fromEntries(fs.candidates.map((c) => [c.id, c]));

  it("bins numeric traits into mutually exclusive quantile levels and lists categorical values", () => {
    expect(fs.candidates.filter((c) => c.group === "age").map((c) => [c.id, c.when, c.support])).toEqual([
      ["age-lte-27", { trait: "age", lte: 27 }, 8],
      ["age-28-35", { all: [{ trait: "age", gte: 28 }, { trait: "age", lte: 35 }] }, 8],
      ["age-36-43", { all: [{ trait: "age", gte: 36 }, { trait: "age", lte: 43 }] }, 8],
      ["age-44-51", { all: [{ trait: "age", gte: 44 }, { trait: "age", lte: 51 }] }, 8],
      ["age-gte-52", { trait: "age", gte: 52 }, 8],
    ]);
    expect(fs.candidates.filter((c) => c.group === "plan").map((c) => [c.id, c.when, c.support])).toEqual([
      ["plan-pro", { trait: "plan", eq: "pro" }, 20],
      ["plan-free", { trait: "plan", eq: "free" }, 10],
      ["plan-team", { trait: "plan", eq: "team" }, 10],
    ]);
    expect(fs.candidates.some((c) => c.group === "email" || c.group === "note")).toBe(false);
    expect(byId["income-unknown"]?.when).toEqual({ trait: "income", exists: false });
  });

  it("levels of a trait never overlap, and features are what the engine's predicates say", () => {
    const groups = new Set(fs.candidates.filter((c) => c.kind === "trait").map((c) => c.group));
    leads.forEach((l, i) => {
      for (const g of groups) {
        const on = fs.candidates.filter((c) => c.group === g && compileTraitCondition(c.when)(l.traits));
        expect(on.length, `${g} of lead ${i}`).toBeLessThanOrEqual(1);
      }
      fs.candidates.forEach((c, j) => {
        const k = fs.rows[i]!.idx.indexOf(j);
        const v = k < 0 ? 0 : fs.rows[i]!.val[k];
        if (c.kind === "trait") expect(v).toBe(compileTraitCondition(c.when)(l.traits) ? 1 : 0);
        else expect(v).toBe(Math.min(l.events.get(c.group) ?? 0, c.times ?? 1));
      });
    });
  });

  it("turns events into 'at least once' and 'each, up to k' rules; drops duplicates, constants and glob-like paths", () => {
    expect(byId["page-pricing"]).toMatchObject({ when: { event: "page_view", path: "/pricing" }, times: 1, support: 14 });
    expect(byId["page-pricing-x2"]).toMatchObject({ times: 2 });
    // Every lead has a page view (presence is constant), their count varies: only "up to k".
    expect(fs.candidates.filter((c) => c.group === "t|page_view").map((c) => c.times)).toEqual([4]);
    // "any custom" is the same column as "custom email_open": kept once.
    expect(fs.candidates.filter((c) => c.group === "t|custom" || c.group === "n|custom|email_open")).toHaveLength(1);
    expect(fs.candidates.some((c) => c.group === "p|/a*b")).toBe(false);
  });

  it("caps the number of features", () => {
    expect(buildFeatures(leads, { maxFeatures: 6 }).candidates.length).toBeLessThanOrEqual(6);
  });
});
