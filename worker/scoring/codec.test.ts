import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { counterGet, counterSet, decodeList, encodeList, setHas, setToken } from "./codec";

describe("codec", () => {
  it("round-trips ascending and descending lists of any finite numbers", () => {
    const num = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 45 }),
      fc.maxSafeInteger(),
      fc.integer({ min: -1000, max: 1000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-0, 0, 0.5, -1),
    );
    fc.assert(
      fc.property(fc.array(num, { maxLength: 30 }), (xs) => {
        const asc = [...xs].sort((a, b) => a - b);
        expect(decodeList(encodeList(asc, 1), 1)).toEqual(asc);
        const desc = [...asc].reverse();
        expect(decodeList(encodeList(desc, -1), -1)).toEqual(desc);
        // Only characters JSON never escapes.
        expect(encodeList(asc, 1)).toMatch(/^[\x20-\x7e]*$/);
        expect(encodeList(asc, 1)).not.toMatch(/["\\]/);
      }),
      { numRuns: 2000 },
    );
  });

  it("is compact for millisecond times", () => {
    const t0 = Date.UTC(2025, 0, 1);
    expect(encodeList([t0], 1).length).toBe(8);
    expect(encodeList([t0, t0 + 30_000, t0 + 3_600_000], 1).length).toBe(8 + 3 + 4);
  });

  it("string sets: membership of any ids, empty and escaped ones included", () => {
    const id = fc.oneof(fc.constantFrom("", " ", "%", "%20", "a b", "a", "ab", "b"), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 12 }), fc.array(id, { maxLength: 12 }), (members, probes) => {
        let set = "";
        for (const m of members) if (!setHas(set, setToken(m))) set += " " + setToken(m);
        for (const p of [...members, ...probes]) expect(setHas(set, setToken(p))).toBe(members.includes(p));
      }),
      { numRuns: 500 },
    );
  });

  it("string counters behave like a map of ids", () => {
    const id = fc.oneof(fc.constantFrom("", " ", "%", ":", "a:1", "a", "a b", "ab"), fc.string({ maxLength: 5 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.nat(4)), { maxLength: 20 }), fc.array(id, { maxLength: 6 }), (ops, probes) => {
        const ref = new Map<string, number>();
        let s = "";
        for (const [k, n] of ops) {
          s = counterSet(s, setToken(k), n);
          if (n > 0) ref.set(k, n);
          else ref.delete(k);
        }
        for (const k of [...ops.map((o) => o[0]), ...probes]) expect(counterGet(s, setToken(k))).toBe(ref.get(k) ?? 0);
      }),
      { numRuns: 500 },
    );
  });
});
