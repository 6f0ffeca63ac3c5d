import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents, emptyState, evaluate, type LeadState, recompute, type ScoreEvent } from "./engine";
import type { EventType } from "./events";
import { parseModel } from "./model";
import { DAY, HOUR, T0 } from "./test-helpers";

const TYPES: EventType[] = ["page_view", "custom", "chat", "cart"];
const PATHS = ["/a", "/a/b", "/b", "/c/d"];

const decayArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ halfLifeDays: fc.constantFrom(0.5, 1, 3) }),
  fc.record({ expireDays: fc.constantFrom(0.25, 1, 2) }),
  fc.record({ halfLifeDays: fc.constantFrom(0.5, 2), expireDays: fc.constantFrom(1, 3) }),
);

const categoriesArb = fc.array(
  fc.record({ kind: fc.constantFrom("fit", "interest"), max: fc.constantFrom(10, 25, 50), decay: decayArb }),
  { minLength: 1, maxLength: 3 },
);

const eventCondArb = fc.oneof(
  fc.record({ event: fc.constantFrom(...TYPES) }),
  fc.record({ event: fc.constantFrom(...TYPES), path: fc.constantFrom("/a*", "/b", "/?/*", "/**/d") }),
  fc.record({ path: fc.constantFrom("/a*", "/c/*") }),
  fc.record({ any: fc.tuple(fc.record({ event: fc.constantFrom(...TYPES) }), fc.record({ path: fc.constantFrom("/b", "/a/b") })) }),
);

const ruleArb = fc.record({
  points: fc.integer({ min: -8, max: 15 }),
  cat: fc.nat(),
  when: eventCondArb,
  limit: fc.option(fc.record({ times: fc.integer({ min: 1, max: 3 }), per: fc.constantFrom("lead", "session", "day") }), { nil: undefined }),
  flag: fc.constantFrom("none", "none", "none", "must", "disqualify"),
});

const modelArb = fc
  .record({
    cats: categoriesArb,
    rules: fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
    traitRule: fc.boolean(),
    warm: fc.integer({ min: 1, max: 20 }),
  })
  .map(({ cats, rules, traitRule, warm }) => {
    const categories = Object.fromEntries(
      cats.map((c, i) => [`c${i}`, c.decay ? { kind: c.kind, max: c.max, decay: c.decay } : { kind: c.kind, max: c.max }]),
    );
    const doc = {
      tiers: { warm, hot: warm + 10 },
      categories,
      rules: [
        ...rules.map((r, i) => ({
          id: `r${i}`,
          category: `c${r.cat % cats.length}`,
          points: r.points,
          when: r.when,
          ...(r.limit ? { limit: r.limit } : {}),
          ...(r.flag === "must" ? { must: true } : r.flag === "disqualify" ? { disqualify: true } : {}),
        })),
        ...(traitRule ? [{ id: "t", category: "c0", points: 4, when: { trait: "size", gte: 10 } }] : []),
      ],
      triggers: [
        { id: "hot", when: { tier: "hot" } },
        { id: "cart-warm", when: { all: [{ event: "cart" }, { tier: "warm" }] } },
      ],
      promos: [{ id: "p", when: { any: [{ score: 5 }, { event: "chat", path: "/b" }] }, codes: ["A"] }],
    };
    const parsed = parseModel(doc);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.model;
  });

const eventsArb = fc.array(
  fc.record({
    type: fc.constantFrom(...TYPES),
    path: fc.constantFrom(...PATHS),
    session: fc.constantFrom("s1", "s2", null),
    offset: fc.integer({ min: 0, max: 6 * 24 }), // hours after T0, not sorted: arrival order ≠ time order
  }),
  { maxLength: 40 },
);

describe("incremental scoring equals a full recompute", () => {
  it("for random models, event streams and chunkings (state JSON round trip between chunks)", () => {
    fc.assert(
      fc.property(
        modelArb,
        eventsArb,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 24 }), { minLength: 7, maxLength: 7 }),
        fc.constantFrom({}, { size: 12 }, { size: "3" }),
        (model, raw, cutsRaw, gapsH, traits) => {
          const events: ScoreEvent[] = raw.map((e, i) => ({
            id: `e${i}`,
            type: e.type,
            ts: T0 + e.offset * HOUR,
            path: e.path,
            sessionId: e.session,
          }));
          const cuts = [...new Set(cutsRaw.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...cuts, events.length];
          let state: LeadState = emptyState();
          let now = T0 + DAY;
          let last = evaluate(model, state, traits, now);
          for (let k = 0; k + 1 < bounds.length; k++) {
            now += (gapsH[k % gapsH.length] ?? 0) * HOUR;
            const out = applyEvents(model, state, events.slice(bounds[k], bounds[k + 1]), traits, now);
            state = JSON.parse(JSON.stringify(out.state)) as LeadState;
            last = out.result;
            for (const f of out.fired) expect(f.crossing).toBeGreaterThan(0);
          }
          const full = recompute(model, events, traits, now);
          expect(last).toEqual(full.result);
          expect(evaluate(model, state, traits, now)).toEqual(full.result);
          // The states may differ in what expiry has already pruned, never in what they score later.
          for (const later of [now + HOUR, now + 2 * DAY, now + 30 * DAY]) {
            expect(evaluate(model, state, traits, later)).toEqual(evaluate(model, full.state, traits, later));
          }
          expect(state.e).toEqual(full.state.e);
        },
      ),
      { numRuns: 400 },
    );
  });
});
