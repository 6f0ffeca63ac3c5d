import { describe, expect, it } from "vitest";
import type { SparseRow } from "./logistic";
import { lassoPath } from "./select";

describe("lassoPath", () => {
  // 2,000 rows, 20 binary features: 0 and 1 carry the signal (0 stronger), the rest is noise.
  let seed = 9;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rows: SparseRow[] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 2000; i++) {
    const on = Array.from({ length: 20 }, () => rnd() < 0.3);
    const z = -1 + (on[0] ? 2 : 0) + (on[1] ? 1 : 0);
    y.push(rnd() < 1 / (1 + Math.exp(-z)));
    const idx = on.flatMap((b, j) => (b ? [j] : []));
    rows.push({ idx, val: idx.map(() => 1) });
  }
  const train = rows.map((_, i) => i);

  it("lets the strongest feature in first, then the next, and stops within the budget", () => {
    const path = lassoPath(rows, y, train, 20, Array(20).fill(1), 5);
    expect(path.length).toBeGreaterThan(2);
    expect(path[0]!.active).toEqual([0]);
    expect(path.find((s) => s.active.length === 2)!.active).toEqual([0, 1]);
    expect(Math.max(...path.map((s) => s.active.length))).toBeLessThanOrEqual(5);
    // Penalties decrease along the path.
    for (let k = 1; k < path.length; k++) expect(path[k]!.lambda).toBeLessThan(path[k - 1]!.lambda);
  });

  it("has nothing to select without features", () => {
    expect(lassoPath(rows.map(() => ({ idx: [], val: [] })), y, train, 0, [], 5)).toEqual([]);
  });
});
