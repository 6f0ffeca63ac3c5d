import { describe, expect, it } from "vitest";
import { buildAtoms, cuts, type LeadFeaturesInput, niceBetween, zScore } from "./candidates";

const lead = (traits: Record<string, unknown>, events: Record<string, number> = {}): LeadFeaturesInput => ({ traits, events: new Map(Object.entries(events)) });

describe("cuts and thresholds", () => {
  it("gives a value held by many leads its own bin and cuts the rest evenly", () => {
    // 70 zeros, then 1…30: the zeros are one bin, the 30 others share the remaining bins.
    const v = Float64Array.from([...Array(70).fill(0), ...Array.from({ length: 30 }, (_, i) => i + 1)]);
    const at = cuts(v, 3);
    expect(v[at[0]!]).toBe(1);
    expect(at.length).toBeGreaterThanOrEqual(5);
    // Every bin holds at least the minimum and bins do not split a tie.
    const bounds = [0, ...at, v.length];
    for (let k = 1; k < bounds.length; k++) expect(bounds[k]! - bounds[k - 1]!).toBeGreaterThanOrEqual(3);
    for (const j of at) expect(v[j - 1]).toBeLessThan(v[j]!);
  });

  it("picks the shortest decimal between two observed values", () => {
    expect(niceBetween(0.0249645, 0.0251)).toBe(0.025);
    expect(niceBetween(2.5, 7.25)).toBe(3);
    expect(niceBetween(0, 0.00002)).toBe(0.00001);
  });

  it("z statistic of a proportion against the rest", () => {
    expect(zScore(50, 25, 100, 50)).toBe(0);
    expect(zScore(10, 9, 100, 40)).toBeGreaterThan(3);
    expect(zScore(0, 0, 100, 40)).toBe(0);
  });
});

describe("buildAtoms", () => {
  // 500 leads: 8 % are "partner" referrals converting at 90 %; plan has a frequent value with no
  // effect; age matters; a page path is noise; a form name is signal.
  let seed = 5;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const leads: LeadFeaturesInput[] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 500; i++) {
    const partner = i % 12 === 1;
    const age = 20 + Math.floor(rnd() * 50);
    const form = rnd() < 0.3;
    const converted = partner ? rnd() < 0.9 : rnd() < 0.2 + (form ? 0.3 : 0) + (age > 50 ? 0.2 : 0);
    y.push(converted);
    leads.push(
      lead(
        { source: partner ? "partner" : ["ads", "search", "social"][i % 3], plan: i % 2 ? "free" : "pro", age, email: `p${i}@x.example`, ...(i % 10 === 3 ? {} : { income: 1000 + i }) },
        { "t|page_view": 1 + (i % 4), "p|/blog": i % 2, "p|/a*b": 1, "t|form_submit": form ? 1 : 0, "n|form_submit|demo": form ? 1 : 0 },
      ),
    );
  }
  const train = leads.map((_, i) => i).filter((i) => i % 3 !== 0);
  const set = buildAtoms(leads, train, y);
  const labels = set.atoms.map((a) => a.label);

  it("keeps a rare value with a strong lift and leaves out a frequent value without one", () => {
    expect(labels).toContain("source = partner");
    expect(labels.some((l) => l.startsWith("plan ="))).toBe(false);
  });

  it("cuts numeric traits into steps from the training leads, with a missing-value indicator", () => {
    const age = set.atoms.filter((a) => a.partition === "n:age");
    expect(age.length).toBeGreaterThanOrEqual(5);
    expect(age.every((a) => a.spec.type === "gte")).toBe(true);
    expect(labels).toContain("income unknown");
    expect(set.integers.has("age")).toBe(true);
  });

  it("never makes personal traits, glob-like paths or insignificant paths into candidates", () => {
    expect(labels.some((l) => l.includes("email"))).toBe(false);
    expect(labels.some((l) => l.includes("/a*b"))).toBe(false);
    expect(labels.some((l) => l.includes("/blog"))).toBe(false);
    expect(labels).toContain('form_submit "demo" (at least once)');
  });

  it("computes every lead's row, held-out leads included, with the engine's predicates", () => {
    expect(set.rows).toHaveLength(500);
    const partner = set.atoms.findIndex((a) => a.label === "source = partner");
    leads.forEach((l, i) => expect(set.rows[i]!.idx.includes(partner)).toBe(l.traits.source === "partner"));
  });
});
