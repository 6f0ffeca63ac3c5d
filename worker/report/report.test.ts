import { describe, expect, it } from "vitest";
import { parseModel } from "../scoring/model";
import { binWidth, carryOver, histogram } from "./report";

describe("report helpers", () => {
  it("picks 1-2-5 bin widths for at most 10 bins", () => {
    expect([0, 1, 9, 10, 11, 30, 99, 100, 101, 250].map(binWidth)).toEqual([0.1, 0.1, 1, 1, 2, 5, 10, 10, 20, 50]);
  });

  it("bins scores, the maximum in the last bin", () => {
    expect(histogram([0, 4.99, 5, 20], [true, false, false, true])).toEqual({
      binWidth: 2,
      bins: Array.from({ length: 11 }, (_, i) => ({
        from: i * 2,
        to: i * 2 + 2,
        converted: i === 0 || i === 10 ? 1 : 0,
        notConverted: i === 2 ? 2 : 0,
      })),
    });
  });

  it("carries gates, lead type, triggers and promos over, without the gates' points", () => {
    const doc = {
      tiers: { mql: 20, sql: 40 },
      rules: [
        { id: "adult", must: true, category: "fit", points: 5, when: { trait: "age", gte: 18 } },
        { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
        { id: "x", points: 3, when: { event: "chat" } },
      ],
      leadType: { trait: "size", codes: { small: 1 } },
      promos: [{ id: "p", when: { tier: "mql" }, codes: ["A"] }],
    };
    const parsed = parseModel(doc);
    if (!parsed.ok) throw new Error("invalid");
    expect(carryOver(parsed.model, doc)).toEqual({
      tierNames: ["mql", "sql"],
      gateRules: [
        { id: "adult", must: true, when: { trait: "age", gte: 18 } },
        { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
      ],
      extra: { leadType: doc.leadType, promos: doc.promos },
    });
  });
});
