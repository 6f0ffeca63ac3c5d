import { describe, expect, it } from "vitest";
import { auc } from "./auc";

/** The definition, O(n²): pairs where the positive is above, ties half. */
function bruteAuc(s: number[], y: boolean[]): number | null {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++)
      if (y[i] && !y[j]) {
        den++;
        num += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return den ? num / den : null;
}

describe("auc", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties", () => {
    expect(auc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(auc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(auc([5, 5, 5, 5], [false, true, false, true])).toBe(0.5);
  });

  it("counts ties half (hand-computed)", () => {
    // Positives 3, 2; negatives 2, 1, 0: pairs 3>2, 3>1, 3>0, 2=2 (½), 2>1, 2>0 → 5.5 / 6.
    expect(auc([3, 2, 2, 1, 0], [true, true, false, false, false])).toBeCloseTo(5.5 / 6, 12);
  });

  it("is null without both classes", () => {
    expect(auc([1, 2], [true, true])).toBeNull();
    expect(auc([], [])).toBeNull();
  });

  it("matches the pairwise definition on random data with many ties", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = 0; t < 20; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      const s = Array.from({ length: n }, () => Math.floor(rnd() * 6));
      const y = Array.from({ length: n }, () => rnd() < 0.4);
      const a = auc(s, y);
      const b = bruteAuc(s, y);
      if (b === null) expect(a).toBeNull();
      else expect(a).toBeCloseTo(b, 12);
    }
  });
});
