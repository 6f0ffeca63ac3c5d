import { describe, expect, it } from "vitest";
import { choleskySolve, fitLogistic, linear, type SparseRow } from "./logistic";

const row = (...pairs: [number, number][]): SparseRow => ({ idx: pairs.map((p) => p[0]), val: pairs.map((p) => p[1]) });

describe("fitLogistic", () => {
  it("recovers the log-odds of a single binary feature (closed form, λ → 0)", () => {
    // x = 1: 30 of 40 converted (log-odds ln 3); x = 0: 10 of 40 (ln ⅓).
    const rows: SparseRow[] = [];
    const y: boolean[] = [];
    for (let i = 0; i < 40; i++) (rows.push(row([0, 1])), y.push(i < 30));
    for (let i = 0; i < 40; i++) (rows.push(row()), y.push(i < 10));
    const fit = fitLogistic(rows, y, 1, { lambda: 1e-9 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(Math.log(1 / 3), 6);
    expect(fit.beta[0]).toBeCloseTo(Math.log(3) - Math.log(1 / 3), 6);
  });

  it("sets the penalised gradient to zero, also for collinear and separable features", () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const rows: SparseRow[] = [];
    const y: boolean[] = [];
    for (let i = 0; i < 300; i++) {
      const a = rnd() < 0.5 ? 1 : 0;
      const c = Math.floor(rnd() * 4);
      const pairs: [number, number][] = [];
      if (a) pairs.push([0, 1]);
      pairs.push([1 + (a ? 0 : 1), 1]); // columns 1 and 2: a and not-a (collinear with the intercept)
      if (c) pairs.push([3, c]);
      rows.push(row(...pairs));
      y.push(a === 1 ? true : rnd() < 0.3 + 0.1 * c); // column 0 separates the positives perfectly
    }
    const lambda = 2;
    const fit = fitLogistic(rows, y, 4, { lambda });
    expect(fit.converged).toBe(true);
    const g = [0, 0, 0, 0, 0];
    rows.forEach((r, i) => {
      const mu = 1 / (1 + Math.exp(-linear(fit, r)));
      const res = (y[i] ? 1 : 0) - mu;
      g[0] = g[0]! + res;
      r.idx.forEach((j, k) => (g[j + 1] = g[j + 1]! + res * r.val[k]!));
    });
    for (let j = 1; j < 5; j++) g[j] = g[j]! - lambda * fit.beta[j - 1]!;
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-6);
    expect(Number.isFinite(fit.beta[0]!)).toBe(true);
  });

  it("fits on a subset of rows only", () => {
    const rows = [row([0, 1]), row([0, 1]), row(), row()];
    const all = fitLogistic(rows, [true, false, false, true], 1);
    const sub = fitLogistic(rows, [true, false, false, true], 1, {}, [0, 2]);
    expect(sub.beta[0]).toBeGreaterThan(0);
    expect(all.beta[0]).toBeCloseTo(0, 6);
  });
});

describe("choleskySolve", () => {
  it("solves a symmetric positive definite system", () => {
    const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const x = choleskySolve(a, Float64Array.from([2, 3, 4]), 3);
    // Check A x = b with the original A.
    const A = [4, 2, 0, 2, 5, 1, 0, 1, 3];
    [2, 3, 4].forEach((b, i) => expect(A[i * 3]! * x[0]! + A[i * 3 + 1]! * x[1]! + A[i * 3 + 2]! * x[2]!).toBeCloseTo(b, 12));
  });
});
